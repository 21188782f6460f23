// SPDX-License-Identifier: GPL-3.0-or-later
#include "explainplan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <functional>

namespace Opsdeck {

namespace {

// A hostile or broken server cannot make the parser recurse without end or hold a huge tree.
constexpr int kMaxDepth = 200;
constexpr int kMaxNodes = 20'000;

// The node properties shown as EXPLAIN's text format shows them, in this order.
const char *const kDetailKeys[] = {"Subplan Name",
                                   "CTE Name",
                                   "Index Cond",
                                   "Recheck Cond",
                                   "Hash Cond",
                                   "Merge Cond",
                                   "Join Filter",
                                   "Filter",
                                   "Rows Removed by Filter",
                                   "Rows Removed by Join Filter",
                                   "Sort Key",
                                   "Sort Method",
                                   "Group Key",
                                   "Strategy",
                                   "Heap Fetches",
                                   "Workers Planned",
                                   "Workers Launched"};

QString detailValue(const QJsonValue &v)
{
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &item : v.toArray())
            parts << item.toVariant().toString();
        return parts.join(QStringLiteral(", "));
    }
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return v.toVariant().toString();
}

struct Parser
{
    int nodes = 0;
    bool hasActuals = false;
    bool hasBuffers = false;

    Result<PlanNode> node(const QJsonObject &o, int depth)
    {
        if (depth > kMaxDepth || ++nodes > kMaxNodes)
            return Result<PlanNode>::failure(
                QStringLiteral("the plan is deeper or larger than Opsdeck draws (%1 nodes)")
                    .arg(kMaxNodes));
        PlanNode n;
        n.nodeType = o.value(QLatin1String("Node Type")).toString();
        if (n.nodeType.isEmpty())
            return Result<PlanNode>::failure(QStringLiteral("a plan node has no \"Node Type\""));
        const QString schema = o.value(QLatin1String("Schema")).toString();
        n.relation = o.value(QLatin1String("Relation Name")).toString();
        if (!schema.isEmpty() && !n.relation.isEmpty())
            n.relation = schema + QLatin1Char('.') + n.relation;
        n.index = o.value(QLatin1String("Index Name")).toString();
        n.joinType = o.value(QLatin1String("Join Type")).toString();
        n.startupCost = o.value(QLatin1String("Startup Cost")).toDouble();
        n.totalCost = o.value(QLatin1String("Total Cost")).toDouble();
        n.planRows = o.value(QLatin1String("Plan Rows")).toDouble();
        if (o.contains(QLatin1String("Actual Total Time"))) {
            hasActuals = true;
            n.actualRows = o.value(QLatin1String("Actual Rows")).toDouble();
            n.loops = std::max(1.0, o.value(QLatin1String("Actual Loops")).toDouble());
            n.actualTotalMs = o.value(QLatin1String("Actual Total Time")).toDouble();
        }
        if (o.contains(QLatin1String("Shared Hit Blocks"))) {
            hasBuffers = true;
            n.sharedHit = o.value(QLatin1String("Shared Hit Blocks")).toInteger();
            n.sharedRead = o.value(QLatin1String("Shared Read Blocks")).toInteger();
            n.sharedDirtied = o.value(QLatin1String("Shared Dirtied Blocks")).toInteger();
            n.sharedWritten = o.value(QLatin1String("Shared Written Blocks")).toInteger();
        }
        for (const char *key : kDetailKeys)
            if (o.contains(QLatin1String(key)))
                n.details << QStringLiteral("%1: %2").arg(QLatin1String(key),
                                                          detailValue(o.value(QLatin1String(key))));
        double childrenMs = 0;
        double childrenCost = 0;
        for (const QJsonValue &child : o.value(QLatin1String("Plans")).toArray()) {
            Result<PlanNode> c = node(child.toObject(), depth + 1);
            if (!c)
                return c;
            childrenMs += c->actualTotalMs * c->loops;
            childrenCost += c->totalCost;
            n.children << std::move(c.value());
        }
        // Time and cost are inclusive of the children; what the node did itself is the rest.
        n.exclusiveMs = std::max(0.0, n.actualTotalMs * n.loops - childrenMs);
        return n;
    }
};

double exclusiveCost(const PlanNode &n)
{
    double children = 0;
    for (const PlanNode &c : n.children)
        children += c.totalCost;
    return std::max(0.0, n.totalCost - children);
}

} // namespace

QString PlanNode::title() const
{
    QString t = nodeType;
    if (!joinType.isEmpty() && nodeType.endsWith(QLatin1String("Join")) &&
        joinType != QLatin1String("Inner"))
        t = nodeType.left(nodeType.size() - 4) + joinType + QStringLiteral(" Join");
    if (!index.isEmpty())
        t += QStringLiteral(" using ") + index;
    if (!relation.isEmpty())
        t += QStringLiteral(" on ") + relation;
    return t;
}

double PlanNode::misestimate() const
{
    const double actual = std::max(1.0, actualRows * loops);
    const double planned = std::max(1.0, planRows * loops);
    return actual / planned;
}

bool PlanNode::isMisestimated() const
{
    const double m = misestimate();
    return m >= 10.0 || m <= 0.1;
}

const PlanNode *QueryPlanTree::mostExpensive() const
{
    const PlanNode *worst = &root;
    std::function<void(const PlanNode &)> visit = [&](const PlanNode &n) {
        const bool worse = hasActuals ? n.exclusiveMs > worst->exclusiveMs
                                      : exclusiveCost(n) > exclusiveCost(*worst);
        if (worse)
            worst = &n;
        for (const PlanNode &c : n.children)
            visit(c);
    };
    visit(root);
    return worst;
}

double QueryPlanTree::share(const PlanNode &node) const
{
    if (hasActuals) {
        const double total = root.actualTotalMs * root.loops;
        return total > 0 ? std::clamp(node.exclusiveMs / total, 0.0, 1.0) : 0.0;
    }
    return root.totalCost > 0 ? std::clamp(exclusiveCost(node) / root.totalCost, 0.0, 1.0) : 0.0;
}

QString explainStatement(const QString &sql, bool analyze)
{
    return QStringLiteral("explain (%1format json) %2")
        .arg(analyze ? QStringLiteral("analyze, buffers, ") : QString(), sql.trimmed());
}

Result<QueryPlanTree> parseExplainJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return Result<QueryPlanTree>::failure(
            QStringLiteral("the plan is not JSON: %1").arg(error.errorString()));
    const QJsonObject top = doc.array().at(0).toObject();
    if (!top.contains(QLatin1String("Plan")))
        return Result<QueryPlanTree>::failure(QStringLiteral("EXPLAIN returned no plan"));
    Parser parser;
    Result<PlanNode> root = parser.node(top.value(QLatin1String("Plan")).toObject(), 0);
    if (!root)
        return root.error();
    QueryPlanTree tree;
    tree.root = std::move(root.value());
    tree.hasActuals = parser.hasActuals;
    tree.hasBuffers = parser.hasBuffers;
    tree.nodeCount = parser.nodes;
    tree.planningMs = top.value(QLatin1String("Planning Time")).toDouble();
    tree.executionMs = top.value(QLatin1String("Execution Time")).toDouble();
    return tree;
}

} // namespace Opsdeck
