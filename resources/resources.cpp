// SPDX-License-Identifier: GPL-3.0-or-later
// Anchor for the compiled-in resources (qt_add_resources needs a target with a source).
