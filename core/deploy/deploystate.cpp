// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploystate.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace Opsdeck {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QDateTime timeAt(const QJsonObject &o, const char *key)
{
    return QDateTime::fromString(str(o, key), Qt::ISODate);
}

const QList<QPair<HistoryEntry::Result, QString>> &resultNames()
{
    static const QList<QPair<HistoryEntry::Result, QString>> names = {
        {HistoryEntry::Result::Started, QStringLiteral("started")},
        {HistoryEntry::Result::Succeeded, QStringLiteral("success")},
        {HistoryEntry::Result::Failed, QStringLiteral("failed")},
        {HistoryEntry::Result::Cancelled, QStringLiteral("cancelled")},
        {HistoryEntry::Result::Interrupted, QStringLiteral("interrupted")},
        {HistoryEntry::Result::Running, QStringLiteral("running")}};
    return names;
}

} // namespace

QString resultLabel(HistoryEntry::Result result)
{
    return result == HistoryEntry::Result::Succeeded ? QStringLiteral("succeeded")
                                                     : resultName(result);
}

QString resultName(HistoryEntry::Result result)
{
    for (const auto &[value, name] : resultNames())
        if (value == result)
            return name;
    return {};
}

LockInfo LockInfo::fromJson(const QJsonObject &o)
{
    LockInfo lock;
    lock.id = str(o, "id");
    lock.user = str(o, "user");
    lock.since = timeAt(o, "since");
    lock.action = str(o, "action");
    lock.ref = str(o, "ref");
    lock.revision = str(o, "revision");
    lock.comment = str(o, "comment");
    return lock;
}

QJsonObject LockInfo::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("user"), user},
            {QStringLiteral("since"), since.toUTC().toString(Qt::ISODate)},
            {QStringLiteral("action"), action},
            {QStringLiteral("ref"), ref},
            {QStringLiteral("revision"), revision},
            {QStringLiteral("comment"), comment}};
}

QString LockInfo::describe() const
{
    QString text = user.isEmpty() ? QStringLiteral("someone") : user;
    if (since.isValid())
        text += QStringLiteral(" since ") +
                since.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    QString what = action;
    if (!ref.isEmpty())
        what += QLatin1Char(' ') + ref;
    if (!comment.isEmpty())
        what += QStringLiteral(": ") + comment;
    if (!what.trimmed().isEmpty())
        text += QStringLiteral(" (%1)").arg(what.trimmed());
    return text;
}

std::optional<HistoryEntry> HistoryEntry::fromJson(const QByteArray &line)
{
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    HistoryEntry e;
    e.id = str(o, "id");
    if (o.contains(QLatin1String("action")))
        e.action = str(o, "action");
    e.ref = str(o, "ref");
    e.revision = str(o, "revision");
    e.release = str(o, "release");
    e.previous = str(o, "previous");
    e.user = str(o, "user");
    e.comment = str(o, "comment");
    e.time = timeAt(o, "time");
    e.durationSeconds = o.value(QLatin1String("duration_s")).toDouble();
    e.message = str(o, "message");
    for (const QJsonValue &h : o.value(QLatin1String("hosts")).toArray())
        e.hosts << h.toString();
    const QString result = str(o, "result");
    e.result = Result::Failed;
    for (const auto &[value, name] : resultNames())
        if (name == result)
            e.result = value;
    return e;
}

QJsonObject HistoryEntry::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("action"), action},
                  {QStringLiteral("ref"), ref},
                  {QStringLiteral("revision"), revision},
                  {QStringLiteral("release"), release},
                  {QStringLiteral("user"), user},
                  {QStringLiteral("result"), resultName(result)},
                  {QStringLiteral("time"), time.toUTC().toString(Qt::ISODate)},
                  {QStringLiteral("hosts"), QJsonArray::fromStringList(hosts)}};
    if (!previous.isEmpty())
        o.insert(QStringLiteral("previous"), previous);
    if (!comment.isEmpty())
        o.insert(QStringLiteral("comment"), comment);
    if (durationSeconds > 0)
        o.insert(QStringLiteral("duration_s"), qRound(durationSeconds * 10) / 10.0);
    if (!message.isEmpty())
        o.insert(QStringLiteral("message"), message);
    return o;
}

HostDeployState HostDeployState::parse(const QString &host, const QByteArray &output)
{
    HostDeployState s;
    s.host = host;
    for (const QByteArray &line : output.split('\n')) {
        const qsizetype tab = line.indexOf('\t');
        if (tab < 0)
            continue;
        const QByteArray key = line.left(tab);
        const QByteArray value = line.mid(tab + 1);
        if (key == "missing") {
            s.pathMissing = true;
        } else if (key == "current") {
            s.current = QString::fromUtf8(value).section(QLatin1Char('/'), -1);
        } else if (key == "release") {
            s.releases << QString::fromUtf8(value);
        } else if (key == "lock") {
            s.lock = LockInfo::fromJson(QJsonDocument::fromJson(value).object());
        } else if (key == "history") {
            if (std::optional<HistoryEntry> e = HistoryEntry::fromJson(value))
                s.history << *e;
        } else if (key == "free") {
            s.freeBytes = value.toLongLong();
        } else if (key == "problem") {
            s.problems << QString::fromUtf8(value);
        }
    }
    std::sort(s.releases.begin(), s.releases.end(), std::greater<>());
    return s;
}

QList<HistoryEntry> mergeHistory(const QList<HostDeployState> &hosts, const QString &lockId)
{
    QHash<QString, HistoryEntry> byId;
    QList<HistoryEntry> anonymous;
    for (const HostDeployState &h : hosts) {
        for (const HistoryEntry &e : h.history) {
            if (e.id.isEmpty()) {
                anonymous << e;
                continue;
            }
            auto it = byId.find(e.id);
            if (it == byId.end() || it->result == HistoryEntry::Result::Started)
                byId.insert(e.id, e);
        }
    }
    QList<HistoryEntry> merged = anonymous;
    for (HistoryEntry e : std::as_const(byId)) {
        if (e.result == HistoryEntry::Result::Started)
            e.result =
                e.id == lockId ? HistoryEntry::Result::Running : HistoryEntry::Result::Interrupted;
        merged << e;
    }
    // Anonymous lines (older tools, the demo's first deploy) can repeat on every host.
    std::sort(merged.begin(), merged.end(),
              [](const HistoryEntry &a, const HistoryEntry &b) { return a.time > b.time; });
    merged.erase(std::unique(merged.begin(), merged.end(),
                             [](const HistoryEntry &a, const HistoryEntry &b) {
                                 return a.id.isEmpty() && b.id.isEmpty() && a.time == b.time &&
                                        a.release == b.release;
                             }),
                 merged.end());
    return merged;
}

} // namespace Opsdeck
