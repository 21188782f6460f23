// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"

#include <QString>
#include <QUrl>

namespace Opsdeck {

/**
 * The details beside the alerts tree, as HTML built here: every string from the server is
 * escaped, and the only link is a runbook URL that is http(s). Rule, its state and expression,
 * the alert's labels, annotations (summary, description), since when, value, and the silences
 * and inhibitions that hold it.
 */
QString alertDetailsHtml(const AlertRule &rule, const AlertInstance *alert,
                         const QList<Silence> &silences);

/** An Alertmanager group: what it is grouped by, its receiver, and its alerts by state. */
QString alertGroupDetailsHtml(const AlertGroup &group, const QList<const AlertInstance *> &alerts);

/** The alert's (or rule's) runbook: `runbook_url` (or `runbook`) when it is http(s). */
QUrl runbookUrl(const AlertRule &rule, const AlertInstance *alert);

} // namespace Opsdeck
