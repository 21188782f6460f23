// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbexplorer/schemacatalog.h"

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTreeView;

namespace Opsdeck {

/**
 * The schema tree: schemas → tables, views, materialized views, sequences, functions; then the
 * database's extensions. Each table shows its estimated rows and total size. Filters as you
 * type (any part of a name, the groups that hold a match kept open).
 */
class SchemaBrowser final : public QWidget
{
    Q_OBJECT

public:
    explicit SchemaBrowser(QWidget *parent = nullptr);

    void setCatalog(const SchemaCatalog &catalog);
    const SchemaCatalog &catalog() const { return m_catalog; }
    /** Selects the object (a foreign key's link); false when the tree has no such object. */
    bool select(qint64 oid, CatalogKind kind);
    QLineEdit *filter() const { return m_filter; }
    QTreeView *tree() const { return m_tree; }
    /** Objects the filter leaves visible (for tests and the status line). */
    int visibleObjectCount() const;

signals:
    void objectSelected(const Opsdeck::CatalogObject &object);

private:
    void onCurrentChanged();

    SchemaCatalog m_catalog;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
};

} // namespace Opsdeck
