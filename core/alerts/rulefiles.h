// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts.h"

#include <QFuture>
#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck {

/** An alerting rule as a rule file in the repository writes it. */
struct RepoRule
{
    QString file;
    int line = 0; // of its `alert:` key, 1-based
    QString group;
    QString name;
    QString expr;
    qint64 forMs = 0;
    LabelSet labels;
    LabelSet annotations;
};

/** The rules of the workspace's rule files, and what kept some from being read. */
struct RuleFiles
{
    QStringList files; // the patterns' files, in order
    QList<RepoRule> rules;
    QStringList errors; // "alerts/rules.yml:12:9: for: not a duration"
};

constexpr qint64 kMaxRuleFileBytes = 4 * 1024 * 1024;

/**
 * Reads Prometheus rule files (`groups: [{name, rules: [{alert, expr, for, labels,
 * annotations}]}]`; recording rules skipped) named by paths or globs. Each file must belong to
 * the user (like the workspace) and be at most 4 MiB; YAML errors say file:line:column.
 */
RuleFiles readRuleFiles(const QStringList &patterns, const QString &baseDirectory = {});

/** What `promtool check rules` said of the files (Prometheus' own parser and checks). */
struct PromtoolCheck
{
    bool ran = false; // false: promtool is not installed (or did not start); `output` says so
    bool passed = false;
    QString output; // its words, at most 64 KiB
};

/** Runs `promtool check rules FILES` and waits (30 s at most): call it off the UI thread. */
PromtoolCheck checkWithPromtool(const QStringList &files);

/** The workspace's rule files read and checked (what `opsdeck alert-rules` prints first). */
struct RuleFilesCheck
{
    RuleFiles files;
    PromtoolCheck promtool;
};

/** readRuleFiles() and checkWithPromtool() in the thread pool: promtool is a process. */
QFuture<RuleFilesCheck> checkRuleFiles(const QStringList &patterns, const QString &baseDirectory);

/** What the repository says and the server runs, rule by rule (by group and name). */
struct RuleDrift
{
    struct Differing
    {
        RepoRule repo;
        AlertRule server;
        QStringList what; // "expr", "for 30s on the server, 1m here", "labels", "annotations"
    };
    QList<RepoRule> onlyInRepo;
    QList<AlertRule> onlyOnServer;
    QList<Differing> differing;
    QList<RepoRule> matching; // the same in both
    int same = 0;
    bool isEmpty() const
    {
        return onlyInRepo.isEmpty() && onlyOnServer.isEmpty() && differing.isEmpty();
    }
};

/**
 * Compares the repository's rules with the server's. Expressions are compared without their
 * whitespace (Prometheus prints its own formatting of what it parsed); `for`, labels and
 * annotations exactly.
 */
RuleDrift compareRules(const QList<RepoRule> &repo, const QList<AlertRule> &server);

} // namespace Opsdeck
