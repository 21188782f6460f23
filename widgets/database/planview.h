// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbexplorer/explainplan.h"

#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace Opsdeck {

/**
 * A plan drawn as a tree (explain.dalibo.com and pgAdmin's graphical EXPLAIN are the anchors):
 * each node with its share of the time (or of the cost, without ANALYZE) as a bar, its own
 * time, rows estimated → seen (a misestimate of 10× or more in red), loops and buffers; the
 * most expensive node highlighted and selected.
 */
class PlanView final : public QWidget
{
    Q_OBJECT

public:
    enum Column { NodeColumn, ShareColumn, SelfColumn, RowsColumn, LoopsColumn, BuffersColumn };

    explicit PlanView(QWidget *parent = nullptr);

    void showPlan(const QueryPlanTree &plan, const QString &statement);
    void showMessage(const QString &message);
    QTreeWidget *tree() const { return m_tree; }
    QLabel *summary() const { return m_summary; }

private:
    QTreeWidgetItem *addNode(const QueryPlanTree &plan, const PlanNode &node,
                             QTreeWidgetItem *parent, const PlanNode *worst);

    QLabel *m_summary;
    QTreeWidget *m_tree;
};

} // namespace Opsdeck
