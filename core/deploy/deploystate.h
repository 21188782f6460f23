// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

/** Who holds an environment's deploy lock (the `.opsdeck-lock/details.json` on the lock host). */
struct LockInfo
{
    QString id;
    QString user;
    QDateTime since;
    QString action; // deploy, rollback, manual
    QString ref;
    QString revision;
    QString comment;

    static LockInfo fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    /** "alice@laptop since 14:02 (deploy v2: fix login)" */
    QString describe() const;
};

/** One line of `<path>/revisions.jsonl`: a deploy or rollback, as every console sees it. */
struct HistoryEntry
{
    enum class Result { Started, Succeeded, Failed, Cancelled, Interrupted, Running };

    QString id;
    QString action = QStringLiteral("deploy"); // deploy | rollback
    QString ref;
    QString revision;
    QString release;
    QString previous; // release before it, where known
    QString user;
    QString comment;
    Result result = Result::Succeeded;
    QDateTime time; // when it started
    double durationSeconds = 0;
    QStringList hosts;
    QString message; // why it failed

    static std::optional<HistoryEntry> fromJson(const QByteArray &line);
    QJsonObject toJson() const;
};

QString resultName(HistoryEntry::Result result); // as the history file on the host spells it
/** As the UI says it: succeeded, failed, cancelled, interrupted (one vocabulary everywhere). */
QString resultLabel(HistoryEntry::Result result);

/** What one host says about its releases (DeployScripts::status / preflight output). */
struct HostDeployState
{
    QString host;
    QString error; // could not ask (unreachable, ...)
    bool pathMissing = false;
    QString current;      // release name `current` points at, empty when none
    QStringList releases; // newest first
    std::optional<LockInfo> lock;
    QList<HistoryEntry> history; // as written, oldest first
    qint64 freeBytes = -1;
    QStringList problems; // from the preflight checks

    static HostDeployState parse(const QString &host, const QByteArray &output);
};

/**
 * The servers' history as one list, newest first: lines from every host merged by id, the last
 * word on each id kept; a "started" line with no ending is "interrupted" — or "running" when it
 * still holds the lock.
 */
QList<HistoryEntry> mergeHistory(const QList<HostDeployState> &hosts, const QString &lockId);

} // namespace Opsdeck
