// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "alerts/alerts.h"
#include "common/futures.h"
#include "common/pane.h"

#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTextBrowser;
class QTreeView;
class QTreeWidget;

namespace Opsdeck {

class AlertsClient;
class AlertsModel;
class RulesPanel;

/**
 * One environment's alerts (Prometheus' alerts page with Alertmanager's silences beside it):
 * rules worst first with their alerts, the details of the selected one (annotations, runbook,
 * labels, expression, what silences it), the silences, and what fired in the last 24 hours.
 * Silence… and Expire go through the action pipeline; the environment whose Alertmanager holds
 * the silence decides the confirmation.
 */
class AlertsPane final : public Pane
{
    Q_OBJECT

public:
    explicit AlertsPane(EnvironmentContext &context, QWidget *parent = nullptr);

    QString paneId() const override { return QStringLiteral("alerts"); }
    QString title() const override { return QStringLiteral("Alerts"); }
    void refresh() override;
    /** Shows a tab by name: alerts, silences, history or rules. */
    void openItem(const QString &item) override;
    bool isSettled() const override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;

    AlertsModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    QTextBrowser *details() const { return m_details; }
    QTreeWidget *silencesList() const { return m_silences; }
    QTreeWidget *historyList() const { return m_history; }
    QTabWidget *tabs() const { return m_tabs; }
    /** "By rule" or "By Alertmanager group" (enabled with an alertmanager: block). */
    QComboBox *groupingBox() const { return m_grouping; }
    RulesPanel *rulesPanel() const { return m_rules; }
    QAction *silenceAction() const { return m_silenceAction; }
    QAction *expireAction() const { return m_expireAction; }
    void setAuditLog(std::shared_ptr<AuditLog> log) { m_actions.setAuditLog(std::move(log)); }
    /** Submits `silence` as Silence… does once its dialog is accepted (tests, the CLI's twin). */
    void submitSilence(const Silence &silence);

signals:
    /** A silence was made or expired (its id), once Alertmanager said so. */
    void silenceChanged(const QString &id);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *buildAlertsTab();
    QWidget *buildSilencesTab();
    QWidget *buildHistoryTab();
    void showSnapshot();
    void fillSilences();
    void readHistory();
    void fillHistory(const QList<AlertInterval> &intervals);
    void showDetails();
    void chooseSilence();
    void expireSelected();
    void openRunbook();
    void updateActions();
    const Silence *selectedSilence() const;

    AlertsClient *m_client;
    AlertsModel *m_model;
    QTabWidget *m_tabs;
    QTreeView *m_tree;
    QTextBrowser *m_details;
    QTreeWidget *m_silences;
    QTreeWidget *m_history;
    RulesPanel *m_rules;
    QLineEdit *m_filter;
    QCheckBox *m_showQuiet;
    QComboBox *m_grouping;
    QCheckBox *m_showExpired;
    QLabel *m_summary;
    QLabel *m_historyStatus;
    QAction *m_silenceAction;
    QAction *m_expireAction;
    QAction *m_runbookAction;
    ActionPipeline m_actions;
    QTimer m_poll;
    qint64 m_historyReadAtMs = 0;
    LatestRequest m_historyRead{this}; // what fired in the last days, from ALERTS
    int m_actionsInFlight = 0;
};

} // namespace Opsdeck
