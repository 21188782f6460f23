// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/dotenvfile.h"

#include <QAbstractTableModel>
#include <QSet>

namespace Opsdeck {

/**
 * A .env file as a key / value / comment table, one row per assignment in file order. Values
 * of secret-looking keys are masked until revealed. Editing a value rewrites only that line
 * (DotenvFile keeps the rest byte for byte); an assignment overridden by a later one is shown
 * but read-only, with a tooltip naming the line that wins.
 */
class DotenvModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { KeyColumn, ValueColumn, CommentColumn, LineColumn, ColumnCount };
    enum Role { SecretRole = Qt::UserRole + 1, KeyRole };

    explicit DotenvModel(QObject *parent = nullptr);

    void setFile(const DotenvFile &file);
    const DotenvFile &file() const { return m_file; }
    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    /** Keys whose value changed since setFile() (for the audit log: names, never values). */
    QStringList changedKeys() const;

    void setRevealed(const QString &key, bool revealed);
    void setRevealAll(bool revealAll);
    bool isRevealed(const QString &key) const;

    /** Sets (or adds) a key; the error says why not (an open quote above, a bad name). */
    Status setValue(const QString &key, const QString &value);
    bool removeKey(const QString &key);
    QString keyAt(int row) const;
    int rowOfKey(const QString &key) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

signals:
    void modifiedChanged(bool modified);
    void editRefused(const QString &message);

private:
    void rebuildRows();
    const DotenvFile::Entry &entryAt(int row) const;
    bool isWinning(int row) const;

    DotenvFile m_file;
    DotenvFile m_original;
    QList<int> m_rows; // indexes of Assignment entries
    QSet<QString> m_revealed;
    bool m_revealAll = false;
    bool m_modified = false;
};

/** "••••••••" for a masked value (fixed width: it must not tell the length). */
QString maskedValue();

} // namespace Opsdeck
