// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

/** One node of a plan, as EXPLAIN (FORMAT JSON) gave it, with what the drawing needs. */
struct PlanNode
{
    QString nodeType;    // "Seq Scan", "Hash Join"
    QString relation;    // "public.twit_message" for scans
    QString index;       // index scans
    QString joinType;    // "Inner", "Left"
    QStringList details; // "Filter: (author_id = 1)", "Rows Removed by Filter: 3": as EXPLAIN shows
    double startupCost = 0;
    double totalCost = 0;
    double planRows = 0;
    // ANALYZE only (hasActuals):
    double actualRows = 0; // per loop, as PostgreSQL reports it
    double loops = 1;
    double actualTotalMs = 0; // per loop
    double exclusiveMs = 0;   // this node alone: its time × loops minus its children's
    qint64 sharedHit = 0;
    qint64 sharedRead = 0;
    qint64 sharedDirtied = 0;
    qint64 sharedWritten = 0;
    QList<PlanNode> children;

    /** "Seq Scan on public.twit_message", "Index Scan using x on t". */
    QString title() const;
    /** Rows estimated vs. rows seen (× loops); 1 when exact; > 1 under-, < 1 over-estimated. */
    double misestimate() const;
    /** A misestimate of 10× either way, which usually means stale statistics. */
    bool isMisestimated() const;
};

/** A whole plan: the tree, and the totals EXPLAIN gave. */
struct QueryPlanTree
{
    PlanNode root;
    bool hasActuals = false; // ANALYZE ran
    bool hasBuffers = false;
    double planningMs = 0;
    double executionMs = 0; // ANALYZE only
    int nodeCount = 0;

    /** The node that took the most time alone (ANALYZE) or cost the most alone (estimates). */
    const PlanNode *mostExpensive() const;
    /** The node's share of the whole, 0..1: exclusive time, or exclusive cost without ANALYZE. */
    double share(const PlanNode &node) const;
};

/** The EXPLAIN statement for `sql`: FORMAT JSON, with ANALYZE and BUFFERS only on request. */
QString explainStatement(const QString &sql, bool analyze);

/** Parses EXPLAIN (FORMAT JSON)'s one value; a clear error for anything else. */
Result<QueryPlanTree> parseExplainJson(const QByteArray &json);

} // namespace Opsdeck
