// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretsmodel.h"

#include "common/formatting.h"
#include "secrets/sopsyaml.h"
#include "statuscolors.h"

#include <QFont>

namespace Opsdeck {

using Sops::Node;

/** A row: where its node sits in the parent node (map entry or list item), never a pointer, so
 * edits that grow a list cannot leave one dangling. */
struct SecretsModel::Item
{
    Item *parent = nullptr;
    int nodeIndex = -1; // in the parent node's map or list
    int row = 0;
    QString label;
    std::vector<std::unique_ptr<Item>> children;
};

SecretsModel::SecretsModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Item>())
{}

SecretsModel::~SecretsModel() = default;

void SecretsModel::setDocument(Sops::SopsDocument *document)
{
    beginResetModel();
    m_document = document;
    m_revealed.clear();
    m_changed.clear();
    m_revealAll = false;
    rebuild();
    endResetModel();
}

void SecretsModel::rebuild()
{
    m_root = std::make_unique<Item>();
    if (m_document)
        buildChildren(m_root.get());
}

void SecretsModel::buildChildren(Item *item)
{
    const Node *node = nodeOf(item);
    const auto add = [&](int nodeIndex, const QString &label) {
        auto child = std::make_unique<Item>();
        child->parent = item;
        child->nodeIndex = nodeIndex;
        child->row = int(item->children.size());
        child->label = label;
        item->children.push_back(std::move(child));
        buildChildren(item->children.back().get());
    };
    if (node->kind == Node::Kind::Map) {
        for (int i = 0; i < node->map.size(); ++i)
            add(i, node->map[i].second.isComment() ? QStringLiteral("#") : node->map[i].first);
    } else if (node->kind == Node::Kind::List) {
        int position = 0;
        for (int i = 0; i < node->list.size(); ++i)
            add(i, node->list[i].isComment() ? QStringLiteral("#")
                                             : QStringLiteral("[%1]").arg(position++));
    }
}

Node *SecretsModel::nodeOf(const Item *item) const
{
    if (!item->parent)
        return &m_document->data();
    Node *parent = nodeOf(item->parent);
    return parent->kind == Node::Kind::Map ? &parent->map[item->nodeIndex].second
                                           : &parent->list[item->nodeIndex];
}

QStringList SecretsModel::keyPathOf(const Item *item) const
{
    QStringList path; // map keys only: the path sops encrypts under
    for (const Item *i = item; i->parent; i = i->parent)
        if (nodeOf(i->parent)->kind == Node::Kind::Map && !nodeOf(i)->isComment())
            path.prepend(i->label);
    return path;
}

SecretsModel::Item *SecretsModel::itemAt(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Item *>(index.internalPointer()) : m_root.get();
}

QString SecretsModel::pathOf(const QModelIndex &index) const
{
    QString path;
    for (const Item *i = itemAt(index); i && i->parent; i = i->parent) {
        const QString step =
            i->label == QLatin1String("#") ? QStringLiteral("#%1").arg(i->row) : i->label;
        if (path.isEmpty())
            path = step;
        else if (path.startsWith(QLatin1Char('[')))
            path.prepend(step);
        else
            path = QString(step + QLatin1Char('.') + path);
    }
    return path;
}

QModelIndex SecretsModel::indexOfPath(const QString &path, int column) const
{
    QList<QModelIndex> pending = {QModelIndex()};
    while (!pending.isEmpty()) {
        const QModelIndex parent = pending.takeFirst();
        for (int row = 0; row < rowCount(parent); ++row) {
            const QModelIndex child = index(row, KeyColumn, parent);
            if (pathOf(child) == path)
                return child.siblingAtColumn(column);
            pending << child;
        }
    }
    return {};
}

QByteArray SecretsModel::plainValue(const QModelIndex &index) const
{
    const Item *item = itemAt(index);
    return item->parent ? nodeOf(item)->text : QByteArray();
}

bool SecretsModel::isStoredEncrypted(const QModelIndex &index) const
{
    const Item *item = itemAt(index);
    if (!item->parent || !m_document)
        return false;
    const Node *node = nodeOf(item);
    return (node->kind == Node::Kind::Scalar || node->isComment()) && !node->text.isEmpty() &&
           (m_document->format() == Sops::Format::Binary ||
            m_document->rule().shouldEncrypt(keyPathOf(item)));
}

bool SecretsModel::isSecret(const QModelIndex &index) const
{
    // sops encrypts comments too, but a comment explains the file: it is shown, never masked.
    return isStoredEncrypted(index) && !nodeOf(itemAt(index))->isComment();
}

void SecretsModel::setRevealed(const QModelIndex &index, bool revealed)
{
    const QString path = pathOf(index);
    if (revealed)
        m_revealed.insert(path);
    else
        m_revealed.remove(path);
    const QModelIndex value = index.siblingAtColumn(ValueColumn);
    emit dataChanged(value, value);
}

bool SecretsModel::isRevealed(const QModelIndex &index) const
{
    return m_revealAll || m_revealed.contains(pathOf(index));
}

void SecretsModel::setRevealAll(bool reveal)
{
    m_revealAll = reveal;
    if (!reveal)
        m_revealed.clear();
    valuesChanged({}); // not a reset: the view keeps what is expanded and selected
}

void SecretsModel::valuesChanged(const QModelIndex &parent)
{
    const int rows = rowCount(parent);
    if (rows == 0)
        return;
    emit dataChanged(index(0, ValueColumn, parent), index(rows - 1, ValueColumn, parent));
    for (int row = 0; row < rows; ++row)
        valuesChanged(index(row, KeyColumn, parent));
}

QModelIndex SecretsModel::index(int row, int column, const QModelIndex &parent) const
{
    const Item *p = itemAt(parent);
    if (row < 0 || row >= int(p->children.size()) || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex SecretsModel::parent(const QModelIndex &child) const
{
    const Item *item = itemAt(child);
    if (!child.isValid() || !item->parent || !item->parent->parent)
        return {};
    return createIndex(item->parent->row, 0, item->parent);
}

int SecretsModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(itemAt(parent)->children.size());
}

int SecretsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

namespace {

QString typeName(const Node &node)
{
    switch (node.kind) {
    case Node::Kind::Map:
        return QStringLiteral("map");
    case Node::Kind::List:
        return QStringLiteral("list");
    case Node::Kind::Null:
        return QStringLiteral("null");
    case Node::Kind::Comment:
        return QStringLiteral("comment");
    case Node::Kind::Scalar:
        break;
    }
    return node.type;
}

QString summary(const Node &node)
{
    if (node.kind == Node::Kind::Map)
        return QStringLiteral("{%1}").arg(
            countOf(node.map.size(), QStringLiteral("key"), QStringLiteral("keys")));
    if (node.kind == Node::Kind::List)
        return QStringLiteral("[%1]").arg(
            countOf(node.list.size(), QStringLiteral("item"), QStringLiteral("items")));
    return QStringLiteral("null");
}

} // namespace

QVariant SecretsModel::data(const QModelIndex &index, int role) const
{
    const Item *item = itemAt(index);
    if (!index.isValid() || !m_document)
        return {};
    const Node &node = *nodeOf(item);
    const bool leaf = node.kind == Node::Kind::Scalar || node.isComment();
    const bool secret = isSecret(index);
    const bool encrypted = isStoredEncrypted(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return item->label;
        case ValueColumn: {
            if (!leaf)
                return summary(node);
            if (secret && !isRevealed(index))
                return mask();
            QString text = QString::fromUtf8(node.text);
            if (text.contains(QLatin1Char('\n'))) // one line in the tree; the editor has all
                text = text.section(QLatin1Char('\n'), 0, 0) + QStringLiteral(" …");
            return text;
        }
        case TypeColumn:
            return typeName(node);
        case StoredColumn:
            return leaf ? (encrypted ? tr("encrypted") : tr("in clear")) : QString();
        }
        return {};
    case Qt::EditRole:
        if (index.column() == KeyColumn)
            return item->label;
        return leaf ? QString::fromUtf8(node.text) : QString();
    case Qt::ForegroundRole:
        if (index.column() == StoredColumn && leaf && !encrypted)
            return healthColor(Health::Warning);
        if (node.isComment() || (index.column() == ValueColumn && !leaf))
            return QColor(Qt::gray);
        return {};
    case Qt::FontRole:
        if (m_changed.contains(pathOf(index)) && index.column() == KeyColumn) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == StoredColumn && leaf)
            return encrypted
                       ? tr("Encrypted in the file with the data key (AES-256-GCM)")
                       : tr("Stored in clear: the file's rule (%1) leaves this key unencrypted, "
                            "but it is covered by the MAC")
                             .arg(m_document->metadataText(QStringLiteral("unencrypted_suffix"))
                                          .isEmpty()
                                      ? tr("encrypted_regex / suffix")
                                      : QStringLiteral("*_unencrypted"));
        return m_changed.contains(pathOf(index)) ? tr("Changed, not saved yet") : QVariant();
    }
    return {};
}

Qt::ItemFlags SecretsModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractItemModel::flags(index);
    if (!index.isValid() || !m_document || m_document->format() == Sops::Format::Binary)
        return f;
    const Item *item = itemAt(index);
    const Node &node = *nodeOf(item);
    const bool inMap = nodeOf(item->parent)->kind == Node::Kind::Map;
    if (index.column() == ValueColumn && node.kind != Node::Kind::Map &&
        node.kind != Node::Kind::List)
        f |= Qt::ItemIsEditable;
    if (index.column() == KeyColumn && inMap && !node.isComment())
        f |= Qt::ItemIsEditable;
    return f;
}

bool SecretsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || !(flags(index) & Qt::ItemIsEditable))
        return false;
    Item *item = itemAt(index);
    Node &node = *nodeOf(item);
    const QString text = value.toString();
    if (index.column() == KeyColumn) {
        Node &parentNode = *nodeOf(item->parent);
        const bool taken = parentNode.child(text) != nullptr;
        if (text.isEmpty() || text == item->label || taken ||
            (!item->parent->parent && text == QLatin1String("sops")))
            return false;
        m_changed.remove(pathOf(index));
        parentNode.map[item->nodeIndex].first = text;
        item->label = text;
        m_changed.insert(pathOf(index));
    } else {
        if (QString::fromUtf8(node.text) == text && node.kind != Node::Kind::Null)
            return false;
        if (node.isComment()) {
            node.text = text.toUtf8();
        } else if (node.kind == Node::Kind::Scalar && node.type == QLatin1String("str")) {
            node.text = text.toUtf8();
        } else { // a number, bool or time stays one when the new text still reads as one
            const Node typed = Sops::Yaml::resolvePlain(text);
            node = typed.kind == Node::Kind::Scalar && typed.type == node.type
                       ? typed
                       : Node::scalar(QStringLiteral("str"), text.toUtf8());
        }
        m_changed.insert(pathOf(index));
    }
    emit dataChanged(index.siblingAtColumn(0), index.siblingAtColumn(ColumnCount - 1));
    emit edited();
    return true;
}

QModelIndex SecretsModel::addKey(const QModelIndex &parentMap, const QString &name,
                                 const QByteArray &value)
{
    Item *parent = itemAt(parentMap.siblingAtColumn(0));
    Node &node = *nodeOf(parent);
    if (node.kind != Node::Kind::Map || name.isEmpty() || node.child(name) ||
        (!parent->parent && name == QLatin1String("sops")))
        return {};
    const int row = int(parent->children.size());
    beginInsertRows(parentMap.siblingAtColumn(0), row, row);
    node.map.append({name, Node::scalar(QStringLiteral("str"), value)});
    auto child = std::make_unique<Item>();
    child->parent = parent;
    child->nodeIndex = int(node.map.size() - 1);
    child->row = row;
    child->label = name;
    parent->children.push_back(std::move(child));
    endInsertRows();
    const QModelIndex added = index(row, KeyColumn, parentMap.siblingAtColumn(0));
    m_changed.insert(pathOf(added));
    emit edited();
    return added;
}

bool SecretsModel::removeKey(const QModelIndex &index)
{
    if (!index.isValid() || !m_document || m_document->format() == Sops::Format::Binary)
        return false;
    Item *item = itemAt(index);
    Item *parent = item->parent;
    Node &parentNode = *nodeOf(parent);
    const QModelIndex parentIndex = this->parent(index);
    const QString path = pathOf(index);
    beginRemoveRows(parentIndex, item->row, item->row);
    const int nodeIndex = item->nodeIndex, row = item->row;
    if (parentNode.kind == Node::Kind::Map)
        parentNode.map.removeAt(nodeIndex);
    else
        parentNode.list.removeAt(nodeIndex);
    parent->children.erase(parent->children.begin() + row);
    for (size_t i = size_t(row); i < parent->children.size(); ++i) {
        parent->children[i]->row = int(i);
        parent->children[i]->nodeIndex -= 1;
    }
    endRemoveRows();
    m_changed.insert(path);
    emit edited();
    return true;
}

QStringList SecretsModel::changedPaths() const
{
    QStringList paths(m_changed.begin(), m_changed.end());
    paths.sort();
    return paths;
}

void SecretsModel::clearChanges()
{
    m_changed.clear();
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

QVariant SecretsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    case StoredColumn:
        return tr("Stored");
    }
    return {};
}

} // namespace Opsdeck
