// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "flags/flagstate.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QSortFilterProxyModel>

namespace Opsdeck {

/**
 * Flag × environment: one row per flag (switches and samples too), the flag's name, then one
 * column per environment with its state (on / off / 35 % / rules; the rules in the tooltip),
 * then when it last changed. Rows whose environments disagree are marked, and so are removal
 * candidates: unchanged for 30 days and fully on, or fully off, everywhere.
 */
class FlagsMatrixModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        DiffersRole = Qt::UserRole + 1, // bool, any column
        StaleRole,                      // bool, any column
        KeyRole,                        // "flag:name", any column
        EnvironmentRole,                // the column's environment, "" for others
    };
    static constexpr int kStaleAfterDays = 30;

    explicit FlagsMatrixModel(QObject *parent = nullptr);

    void setEnvironments(const QStringList &names);
    /** The environment's flags, all at once (one query per environment). */
    void setFlags(const QString &environment, const QList<FlagState> &flags);
    /** The environment could not be read: its cells say so, its header carries the reason. */
    void setError(const QString &environment, const QString &error);
    /** Extra header tooltip (which backend, protected). */
    void setEnvironmentDescription(const QString &environment, const QString &description);
    /** The pane's own environment: its column is marked (bold header, tinted cells) and is where
     * a toggle goes unless another column is chosen. */
    void setHomeEnvironment(const QString &environment);
    QString homeEnvironment() const { return m_home; }
    /** For tests and screenshots: the "now" staleness is measured from. */
    void setNow(const QDateTime &now);

    QStringList environments() const { return m_environments; }
    QString environmentAt(int column) const;
    int columnOf(const QString &environment) const;
    int rowOf(const QString &key) const;
    QString keyAt(int row) const;
    /** The state in one environment, or nullptr where the flag does not exist (or not loaded). */
    const FlagState *state(int row, const QString &environment) const;
    /** Any state of the row (for its name and kind). */
    const FlagState *anyState(int row) const;
    bool isLoaded(const QString &environment) const { return m_loaded.contains(environment); }
    QString errorOf(const QString &environment) const { return m_errors.value(environment); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        QString key;
        QHash<QString, FlagState> states; // environment → state
        QDateTime lastChanged;
        bool differs = false;
        bool stale = false;
    };

    void rebuild();
    void classify(Row &row) const;
    QVariant nameData(const Row &row, int role) const;
    QVariant cellData(const Row &row, const QString &environment, int role) const;
    QVariant changedData(const Row &row, int role) const;

    QStringList m_environments;
    QHash<QString, QList<FlagState>> m_flags; // environment → as loaded
    QHash<QString, QString> m_errors, m_descriptions;
    QString m_home;
    QSet<QString> m_loaded;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOfKey;
    QDateTime m_now;
};

/** The matrix as the user narrows it: name contains the text, only differences, only stale. */
class FlagsFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setText(const QString &text);
    void setDifferencesOnly(bool on);
    void setStaleOnly(bool on);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    bool m_differencesOnly = false, m_staleOnly = false;
};

} // namespace Opsdeck
