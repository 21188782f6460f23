// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAction>
#include <QList>
#include <QSettings>
#include <QWidget>

namespace Opsdeck {

/**
 * What the main window hosts (Tiled's Editor interface): a widget with its own actions and
 * state. The window knows nothing about a pane beyond this.
 */
class Pane : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    /** Stable id used on the command line (--pane) and in settings: "overview", "dbhealth", ... */
    virtual QString paneId() const = 0;
    virtual QString title() const = 0;
    virtual QList<QAction *> paneActions() const { return {}; }
    /** True once the first data has arrived (or failed): screenshots wait for this. */
    virtual bool hasLoaded() const = 0;
    /** Files with edits not saved yet ("config/staging.env"), so closing can ask first. */
    virtual QStringList unsavedChanges() const { return {}; }
    virtual void saveState(QSettings &) const {}
    virtual void restoreState(QSettings &) {}

signals:
    void loaded();
    void statusMessage(const QString &message);
};

} // namespace Opsdeck
