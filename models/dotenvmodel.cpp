// SPDX-License-Identifier: GPL-3.0-or-later
#include "dotenvmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QRegularExpression>

namespace Opsdeck {

QString maskedValue()
{
    return QString(8, QChar(0x2022));
}

DotenvModel::DotenvModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void DotenvModel::setFile(const DotenvFile &file)
{
    beginResetModel();
    m_file = file;
    m_original = file;
    m_revealed.clear();
    m_revealAll = false;
    rebuildRows();
    endResetModel();
    setModified(false);
}

void DotenvModel::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

QStringList DotenvModel::changedKeys() const
{
    QStringList changed;
    QStringList keys = m_file.keys() + m_original.keys();
    keys.removeDuplicates();
    for (const QString &key : keys)
        if (m_file.value(key) != m_original.value(key))
            changed << key;
    return changed;
}

void DotenvModel::rebuildRows()
{
    m_rows.clear();
    const QList<DotenvFile::Entry> &entries = m_file.entries();
    for (int i = 0; i < entries.size(); ++i)
        if (entries.at(i).kind == DotenvFile::Entry::Kind::Assignment)
            m_rows << i;
}

const DotenvFile::Entry &DotenvModel::entryAt(int row) const
{
    return m_file.entries().at(m_rows.at(row));
}

bool DotenvModel::isWinning(int row) const
{
    const QString key = entryAt(row).key;
    for (int later = row + 1; later < m_rows.size(); ++later)
        if (entryAt(later).key == key)
            return false;
    return true;
}

void DotenvModel::setRevealed(const QString &key, bool revealed)
{
    if (revealed)
        m_revealed.insert(key);
    else
        m_revealed.remove(key);
    emit dataChanged(index(0, ValueColumn), index(rowCount() - 1, ValueColumn));
}

void DotenvModel::setRevealAll(bool revealAll)
{
    m_revealAll = revealAll;
    if (!revealAll)
        m_revealed.clear();
    emit dataChanged(index(0, ValueColumn), index(rowCount() - 1, ValueColumn));
}

bool DotenvModel::isRevealed(const QString &key) const
{
    return m_revealAll || m_revealed.contains(key);
}

Status DotenvModel::setValue(const QString &key, const QString &value)
{
    static const QRegularExpression validKey(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.-]*$"));
    if (!validKey.match(key).hasMatch())
        return Status::failure(tr("'%1' is not a valid variable name").arg(key));
    const bool adding = !m_file.value(key).has_value();
    if (adding)
        beginResetModel();
    const Status changed = m_file.setValue(key, value);
    if (adding) {
        rebuildRows();
        endResetModel();
    } else if (changed) {
        const int row = rowOfKey(key);
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    if (changed)
        setModified(true);
    return changed;
}

bool DotenvModel::removeKey(const QString &key)
{
    beginResetModel();
    const bool removed = m_file.remove(key);
    rebuildRows();
    endResetModel();
    if (removed)
        setModified(true);
    return removed;
}

QString DotenvModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? entryAt(row).key : QString();
}

int DotenvModel::rowOfKey(const QString &key) const
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) // the winning (last) assignment
        if (entryAt(row).key == key)
            return row;
    return -1;
}

int DotenvModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DotenvModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DotenvModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const DotenvFile::Entry &e = entryAt(index.row());
    const bool secret = DotenvFile::looksSecret(e.key, e.value);
    const bool masked = secret && !isRevealed(e.key);
    if (role == SecretRole)
        return secret;
    if (role == KeyRole)
        return e.key;
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        case KeyColumn:
            return e.exported ? QStringLiteral("export ") + e.key : e.key;
        case ValueColumn:
            // Editing a masked value starts from empty: the editor must not reveal it either.
            if (masked)
                return role == Qt::EditRole ? QString() : maskedValue();
            return e.value;
        case CommentColumn:
            return e.comment;
        case LineColumn:
            return e.line;
        }
    }
    if (role == Qt::ForegroundRole && !isWinning(index.row()))
        return QBrush(QColor(0x8a, 0x8a, 0x8a));
    if (role == Qt::FontRole && index.column() == KeyColumn) {
        QFont font;
        font.setFamily(QStringLiteral("monospace"));
        return font;
    }
    if (role == Qt::ToolTipRole) {
        if (!isWinning(index.row()))
            return tr("Overridden by line %1").arg(entryAt(rowOfKey(e.key)).line);
        if (masked && index.column() == ValueColumn)
            return tr("Looks secret: hidden until revealed");
    }
    return {};
}

bool DotenvModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || index.column() != ValueColumn || !isWinning(index.row()))
        return false;
    const DotenvFile::Entry &e = entryAt(index.row());
    const QString key = e.key;
    if (m_file.value(key) == value.toString())
        return false;
    // A masked value's editor starts empty (it must not show the secret): leaving it empty is
    // "no change", never "wipe the secret". Reveal it first to really set it empty.
    if (value.toString().isEmpty() && DotenvFile::looksSecret(key, e.value) && !isRevealed(key))
        return false;
    const Status changed = setValue(key, value.toString());
    if (!changed)
        emit editRefused(changed.errorString());
    return changed.ok();
}

Qt::ItemFlags DotenvModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == ValueColumn && isWinning(index.row()))
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant DotenvModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case CommentColumn:
        return tr("Comment");
    case LineColumn:
        return tr("Line");
    }
    return {};
}

} // namespace Opsdeck
