// SPDX-License-Identifier: GPL-3.0-or-later
#include "planview.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QString bar(double share)
{
    const int blocks = qRound(share * 10);
    return QString(blocks, QChar(0x2588)) + QString(10 - blocks, QChar(0x2591)) +
           QStringLiteral(" %1%").arg(qRound(share * 100));
}

QString rowsText(const QueryPlanTree &plan, const PlanNode &n)
{
    const QLocale locale;
    if (!plan.hasActuals)
        return locale.toString(qint64(n.planRows));
    QString text = QStringLiteral("%1 → %2").arg(locale.toString(qint64(n.planRows)),
                                                 locale.toString(qint64(n.actualRows)));
    if (n.isMisestimated()) {
        const double m = n.misestimate();
        text += m > 1 ? QStringLiteral("  (%1× more than estimated)").arg(qRound(m))
                      : QStringLiteral("  (%1× fewer than estimated)").arg(qRound(1 / m));
    }
    return text;
}

} // namespace

PlanView::PlanView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_tree(new QTreeWidget(this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_tree->setHeaderLabels({QStringLiteral("Node"), QStringLiteral("Share"),
                             QStringLiteral("Self"), QStringLiteral("Rows (estimated → seen)"),
                             QStringLiteral("Loops"), QStringLiteral("Buffers (hit / read)")});
    m_tree->header()->setSectionResizeMode(NodeColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setIndentation(14); // plans nest deep; the names need the width
    m_tree->setUniformRowHeights(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
    showMessage(QStringLiteral("Explain a statement to see its plan here."));
}

void PlanView::showPlan(const QueryPlanTree &plan, const QString &statement)
{
    m_tree->clear();
    const PlanNode *worst = plan.mostExpensive();
    QTreeWidgetItem *root = addNode(plan, plan.root, nullptr, worst);
    m_tree->expandAll();
    // Columns with nothing to say leave their room to the node names.
    m_tree->setColumnHidden(LoopsColumn, !plan.hasActuals);
    m_tree->setColumnHidden(BuffersColumn, !plan.hasBuffers);
    for (int c = ShareColumn; c <= BuffersColumn; ++c)
        m_tree->resizeColumnToContents(c);
    QString summary =
        plan.hasActuals
            ? QStringLiteral("EXPLAIN ANALYZE: %1 nodes, planning %2 ms, execution %3 ms.")
                  .arg(plan.nodeCount)
                  .arg(plan.planningMs, 0, 'f', 3)
                  .arg(plan.executionMs, 0, 'f', 3)
            : QStringLiteral("EXPLAIN (estimates only, nothing ran): %1 nodes, total cost %2.")
                  .arg(plan.nodeCount)
                  .arg(plan.root.totalCost, 0, 'f', 2);
    summary += QStringLiteral(" Most expensive: %1.\n%2")
                   .arg(worst->title(), statement.simplified().left(300));
    m_summary->setText(summary);
    (void)root;
}

QTreeWidgetItem *PlanView::addNode(const QueryPlanTree &plan, const PlanNode &n,
                                   QTreeWidgetItem *parent, const PlanNode *worst)
{
    auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
    item->setText(NodeColumn, n.title());
    item->setToolTip(NodeColumn, n.details.join(QLatin1Char('\n')));
    item->setText(ShareColumn, bar(plan.share(n)));
    item->setText(SelfColumn, plan.hasActuals
                                  ? QStringLiteral("%1 ms").arg(n.exclusiveMs, 0, 'f', 3)
                                  : QStringLiteral("cost %1").arg(n.totalCost, 0, 'f', 1));
    item->setText(RowsColumn, rowsText(plan, n));
    item->setText(LoopsColumn, plan.hasActuals ? QLocale().toString(qint64(n.loops)) : QString());
    if (plan.hasBuffers)
        item->setText(BuffersColumn, QStringLiteral("%1 / %2").arg(n.sharedHit).arg(n.sharedRead));
    if (n.isMisestimated() && plan.hasActuals)
        item->setForeground(RowsColumn, QColor(0xc0, 0x39, 0x2b));
    if (&n == worst) {
        for (int c = 0; c <= BuffersColumn; ++c)
            item->setBackground(c, QColor(0xfd, 0xeb, 0xc8));
        m_tree->setCurrentItem(item);
    }
    for (const QString &detail : n.details) {
        auto *line = new QTreeWidgetItem(item);
        line->setText(NodeColumn, detail);
        line->setForeground(NodeColumn, QColor(0x60, 0x60, 0x60));
        line->setFirstColumnSpanned(true);
    }
    for (const PlanNode &child : n.children)
        addNode(plan, child, item, worst);
    return item;
}

void PlanView::showMessage(const QString &message)
{
    m_tree->clear();
    m_summary->setText(message);
}

} // namespace Opsdeck
