// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include <functional>

class QWidget;

namespace Opsdeck {

class EnvironmentContext;
class Pane;

/** One kind of pane the sidebar offers per environment. Later panes add a line to panecatalog.cpp.
 */
struct PaneKind
{
    QString id;
    QString title;
    std::function<Pane *(EnvironmentContext &, QWidget *parent)> create;
};

const QList<PaneKind> &paneCatalog();
const PaneKind *findPaneKind(const QString &id);

} // namespace Opsdeck
