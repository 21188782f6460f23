// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"

#include <QAbstractItemModel>

namespace Opsdeck {

/**
 * Alerting rules and their alerts as a tree (Prometheus' alerts page, Alertmanager's groups):
 * a rule per top-level row, worst first (firing by severity, pending, then quiet rules), and
 * its alerts below it. Server text is shown as text; colours come from the shared palette.
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

    explicit AlertsModel(QObject *parent = nullptr);

    void setSnapshot(const AlertsSnapshot &snapshot);
    const AlertsSnapshot &snapshot() const { return m_snapshot; }
    /** Rules that are not firing or pending are listed too (Prometheus' "inactive"). */
    void setShowInactive(bool show);
    /** Rules whose name, labels or alerts' labels contain `text` (case-insensitive). */
    void setFilterText(const QString &text);

    const AlertRule *rule(const QModelIndex &index) const;
    /** The alert at `index`, or null on a rule's row. */
    const AlertInstance *alert(const QModelIndex &index) const;
    QModelIndex indexForKey(const QString &key) const;
    /** Shown rules, firing ones, and alerts firing in all. */
    int ruleCount() const { return int(m_shown.size()); }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void rebuild();
    bool matchesFilter(const AlertRule &rule) const;
    QVariant ruleData(const AlertRule &rule, int column, int role) const;
    QVariant alertData(const AlertRule &rule, const AlertInstance &alert, int column,
                       int role) const;

    AlertsSnapshot m_snapshot;
    QList<int> m_shown;                  // indexes into m_snapshot.rules, in display order
    QList<QStringList> m_distinguishing; // per shown rule
    bool m_showInactive = false;
    QString m_filter;
};

/** An alert's key for AlertsModel::KeyRole and for finding it again after a refresh. */
QString alertKey(const AlertRule &rule, const AlertInstance *alert);

} // namespace Opsdeck
