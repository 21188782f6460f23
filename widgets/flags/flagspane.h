// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audit/auditlog.h"
#include "common/futures.h"
#include "common/pane.h"
#include "flags/flagsbackend.h"
#include "workspace/workspace.h"

#include <QHash>

#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Opsdeck {

class FlagDetailsPanel;
class FlagsFilterModel;
class FlagsMatrixModel;
class FlagUsageSearch;

/**
 * Feature flags for the whole workspace: a flag × environment matrix (one query per
 * environment, all in flight at once), filtered by name, differences and removal candidates
 * marked. Every change is confirmed (the environment's name typed where it is protected),
 * checked against the state as read, and audited; "kill switch" turns a flag off everywhere.
 */
class FlagsPane final : public Pane
{
    Q_OBJECT

public:
    /** Shows every environment's flags side by side; `context` is the current one. */
    explicit FlagsPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~FlagsPane() override;

    QString paneId() const override { return QStringLiteral("flags"); }
    QString title() const override { return QStringLiteral("Feature flags"); }
    void refresh() override { reload(); }

    void reload();
    void reload(const QString &environment);
    /** Selects a flag ("flag:name") in an environment's column. */
    void select(const QString &key, const QString &environment);
    void setFilterText(const QString &text);
    void setDifferencesOnly(bool on);
    void setStaleOnly(bool on);

    // Changes (each asks first, then writes, audits and reloads the environment).
    void turn(const QString &key, const QString &environment, bool on);
    void setPercent(const QString &key, const QString &environment, double percent);
    void applyState(const QString &key, const QString &environment, const FlagState &after);
    void createFlag(const QString &environment, const FlagState &flag);
    void deleteFlag(const QString &key, const QString &environment);
    void killSwitch(const QString &key);
    void findUsages(const QString &key);

    FlagsMatrixModel *model() const { return m_model; }
    QSortFilterProxyModel *filtered() const;
    QTableView *view() const { return m_view; }
    FlagDetailsPanel *details() const { return m_details; }
    FlagsBackend *backend(const QString &environment) const;
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }

signals:
    void environmentLoaded(const QString &environment);
    /** After every write attempt (written or not; a declined confirmation is not one). */
    void writeFinished(const QString &environment, const QString &key, bool written);
    void usagesFound();

private:
    struct Target
    {
        QString key, environment;
    };
    void buildActions();
    void createBackends();
    Target currentTarget() const;
    const FlagState *stateOf(const Target &target) const;
    bool isProtected(const QString &environment) const;
    /** One edit through the action pipeline, protected as `environment`. */
    void write(const QString &environment, const FlagEdit &edit, const QString &description);
    void apply(const QString &environment, const FlagEdit &edit, ActionPipeline::Finish finish);
    /** Says why an action did not start (declined, or refused by the pipeline). */
    void reportUnstarted(const ActionOutcome &outcome);
    void showWriteOutcome(const QString &environment, const FlagEdit &edit, const Status &written,
                          const QString &via);
    void updateDetails();
    void updateActions();
    void askPercent();
    void openEditor(bool creating);
    void showContextMenu(const QPoint &pos);

    const Workspace &m_workspace;
    QString m_currentEnvironment;
    ActionPipeline m_actions;
    QHash<QString, FlagsBackend *> m_backends; // environment → its context's backend
    FlagsMatrixModel *m_model;
    FlagsFilterModel *m_filter;
    QTableView *m_view;
    FlagDetailsPanel *m_details;
    QLineEdit *m_search;
    QCheckBox *m_differencesOnly, *m_staleOnly;
    FlagUsageSearch *m_usageSearch = nullptr;
    int m_pendingLoads = 0;
    QAction *m_reload = nullptr, *m_on = nullptr, *m_off = nullptr, *m_percent = nullptr,
            *m_edit = nullptr, *m_new = nullptr, *m_delete = nullptr, *m_kill = nullptr,
            *m_usages = nullptr;
};

} // namespace Opsdeck
