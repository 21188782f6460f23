// SPDX-License-Identifier: GPL-3.0-or-later
#include "schemabrowser.h"

#include "common/formatting.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

enum Roles { ObjectIndexRole = Qt::UserRole + 1, FilterRole };

struct Group
{
    CatalogKind kinds[2];
    const char *title;
};

// The tree's groups under each schema, in pgAdmin's order.
const Group kGroups[] = {
    {{CatalogKind::Table, CatalogKind::PartitionedTable}, "Tables"},
    {{CatalogKind::View, CatalogKind::View}, "Views"},
    {{CatalogKind::MaterializedView, CatalogKind::MaterializedView}, "Materialized views"},
    {{CatalogKind::ForeignTable, CatalogKind::ForeignTable}, "Foreign tables"},
    {{CatalogKind::Sequence, CatalogKind::Sequence}, "Sequences"},
    {{CatalogKind::Function, CatalogKind::Function}, "Functions"}};

QList<QStandardItem *> objectRow(const CatalogObject &o, int index)
{
    auto *name = new QStandardItem(o.kind == CatalogKind::Function ? o.name + o.signature : o.name);
    name->setData(index, ObjectIndexRole);
    name->setData(o.name, FilterRole);
    name->setToolTip(o.comment.isEmpty() ? o.qualifiedName()
                                         : o.qualifiedName() + QStringLiteral("\n") + o.comment);
    auto *rows = new QStandardItem(o.hasRows() && o.estimatedRows >= 0
                                       ? QLocale().toString(qint64(o.estimatedRows))
                                       : QString());
    rows->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *size = new QStandardItem(o.totalBytes >= 0 ? formatBytes(o.totalBytes) : QString());
    size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (o.locked)
        size->setToolTip(QStringLiteral("Behind an ACCESS EXCLUSIVE lock: the size is estimated"));
    else if (o.sizesEstimated)
        size->setToolTip(QStringLiteral("From the statistics (as of the last VACUUM or ANALYZE); "
                                        "the table's structure shows the exact size"));
    for (QStandardItem *item : {name, rows, size})
        item->setEditable(false);
    return {name, rows, size};
}

QStandardItem *heading(const QString &text)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    item->setSelectable(false);
    return item;
}

} // namespace

SchemaBrowser::SchemaBrowser(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeView(this))
    , m_model(new QStandardItemModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_filter->setPlaceholderText(QStringLiteral("Filter tables, views, functions…"));
    m_filter->setClearButtonEnabled(true);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterRole(FilterRole);
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true); // 10,000 tables scroll without measuring each row
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_tree->expandAll();
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SchemaBrowser::onCurrentChanged);
}

void SchemaBrowser::setCatalog(const SchemaCatalog &catalog)
{
    m_catalog = catalog;
    m_model->clear();
    m_model->setHorizontalHeaderLabels(
        {QStringLiteral("Name"), QStringLiteral("Rows (est.)"), QStringLiteral("Size")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    QStandardItem *root = m_model->invisibleRootItem();
    for (const QString &schema : catalog.schemas) {
        QStandardItem *schemaItem = heading(schema);
        for (const Group &group : kGroups) {
            QList<QList<QStandardItem *>> rows;
            for (int i = 0; i < catalog.objects.size(); ++i) {
                const CatalogObject &o = catalog.objects.at(i);
                if (o.schema == schema && (o.kind == group.kinds[0] || o.kind == group.kinds[1]))
                    rows << objectRow(o, i);
            }
            if (rows.isEmpty())
                continue;
            QStandardItem *groupItem =
                heading(QStringLiteral("%1 (%2)").arg(QLatin1String(group.title)).arg(rows.size()));
            for (const QList<QStandardItem *> &row : rows)
                groupItem->appendRow(row);
            schemaItem->appendRow(groupItem);
        }
        root->appendRow(schemaItem);
    }
    QStandardItem *extensions = heading(QStringLiteral("Extensions"));
    for (int i = 0; i < catalog.objects.size(); ++i)
        if (catalog.objects.at(i).kind == CatalogKind::Extension) {
            QList<QStandardItem *> row = objectRow(catalog.objects.at(i), i);
            row.first()->setText(catalog.objects.at(i).name + QLatin1Char(' ') +
                                 catalog.objects.at(i).signature);
            extensions->appendRow(row);
        }
    if (extensions->hasChildren())
        root->appendRow(extensions);
    else
        delete extensions;
    // The public schema and its tables open; the rest stays folded until asked for.
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex schema = m_proxy->index(r, 0);
        if (schema.data().toString() == QLatin1String("public") || catalog.schemas.size() == 1) {
            m_tree->expand(schema);
            m_tree->expand(m_proxy->index(0, 0, schema));
        }
    }
}

bool SchemaBrowser::select(qint64 oid, CatalogKind kind)
{
    for (int i = 0; i < m_catalog.objects.size(); ++i) {
        const CatalogObject &o = m_catalog.objects.at(i);
        if (o.oid != oid ||
            (o.isRelation() != (kind != CatalogKind::Function && kind != CatalogKind::Extension)))
            continue;
        const QModelIndexList found =
            m_model->match(m_model->index(0, 0), ObjectIndexRole, i, 1, Qt::MatchRecursive);
        if (found.isEmpty())
            return false;
        m_filter->clear();
        const QModelIndex index = m_proxy->mapFromSource(found.first());
        m_tree->scrollTo(index);
        m_tree->setCurrentIndex(index);
        return true;
    }
    return false;
}

int SchemaBrowser::visibleObjectCount() const
{
    int count = 0;
    std::function<void(const QModelIndex &)> visit = [&](const QModelIndex &parent) {
        for (int r = 0; r < m_proxy->rowCount(parent); ++r) {
            const QModelIndex index = m_proxy->index(r, 0, parent);
            if (index.data(ObjectIndexRole).isValid())
                ++count;
            visit(index);
        }
    };
    visit({});
    return count;
}

void SchemaBrowser::onCurrentChanged()
{
    const QVariant index = m_tree->currentIndex().siblingAtColumn(0).data(ObjectIndexRole);
    if (index.isValid() && index.toInt() < m_catalog.objects.size())
        emit objectSelected(m_catalog.objects.at(index.toInt()));
}

} // namespace Opsdeck
