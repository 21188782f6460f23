// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"

#include <QAbstractItemModel>
#include <QHash>

namespace Opsdeck {

/**
 * Alerting rules and their alerts as a tree, worst first (firing by severity, pending, then
 * quiet rules): a rule per top-level row with its alerts below it (Prometheus' alerts page), or
 * an Alertmanager group per row — the alerts it notifies about together, its receiver — with
 * its alerts below (Alertmanager's own page). Server text is shown as text; colours come from
 * the shared palette.
 */
class AlertsModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { Name, State, Severity, Since, Value, Notes, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1, // "rule" or "rule\x1falert labels": survives a refresh
        RuleNameRole,
    };

    enum class Grouping { ByRule, ByAlertmanagerGroup };

    explicit AlertsModel(QObject *parent = nullptr);

    void setSnapshot(const AlertsSnapshot &snapshot);
    const AlertsSnapshot &snapshot() const { return m_snapshot; }
    /** Rules that are not firing or pending are listed too (Prometheus' "inactive"). */
    void setShowInactive(bool show);
    /** Rules whose name, labels or alerts' labels contain `text` (case-insensitive). */
    void setFilterText(const QString &text);
    /** By Alertmanager group needs a snapshot with groups (an alertmanager: block). */
    void setGrouping(Grouping grouping);
    Grouping grouping() const { return m_grouping; }
    /** The Alertmanager group on a group's row, or null. */
    const AlertGroup *group(const QModelIndex &index) const;

    /** The rule of a rule's row or of an alert's; on a group's row, its first alert's rule. */
    const AlertRule *rule(const QModelIndex &index) const;
    /** The alert at `index`, or null on a rule's row. */
    const AlertInstance *alert(const QModelIndex &index) const;
    QModelIndex indexForKey(const QString &key) const;
    /** Top-level rows shown: rules, or Alertmanager groups. */
    int ruleCount() const { return int(m_rows.size()); }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    /** A top-level row: a rule (rule >= 0) or a group (group >= 0), and its alerts below it. */
    struct Row
    {
        int rule = -1;
        int group = -1;
        QList<QPair<int, int>> alerts; // (rule, alert) indexes into m_snapshot.rules
    };

    void rebuild();
    void rebuildByRule();
    void rebuildByGroup();
    bool matchesFilter(const AlertRule &rule) const;
    QVariant ruleData(const AlertRule &rule, int column, int role) const;
    QVariant groupData(const Row &row, int column, int role) const;
    QVariant alertData(const AlertRule &rule, const AlertInstance &alert, int column,
                       int role) const;
    const Row *rowOf(const QModelIndex &index) const;

    AlertsSnapshot m_snapshot;
    QList<Row> m_rows;
    QHash<int, QStringList> m_distinguishing; // per rule shown: the labels that tell alerts apart
    bool m_showInactive = false;
    QString m_filter;
    Grouping m_grouping = Grouping::ByRule;
};

/** An alert's key for AlertsModel::KeyRole and for finding it again after a refresh. */
QString alertKey(const AlertRule &rule, const AlertInstance *alert);

} // namespace Opsdeck
