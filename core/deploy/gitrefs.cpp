// SPDX-License-Identifier: GPL-3.0-or-later
#include "gitrefs.h"

#include "deployscripts.h"
#include "hostfanout.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QRegularExpression>

namespace Opsdeck {

GitRefs GitRefs::parse(const QByteArray &lsRemote)
{
    GitRefs refs;
    static const QRegularExpression commitId(
        QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{40}|[0-9a-f]{64}")));
    QHash<QString, QString> peeled;
    QList<QPair<QString, QString>> tags;
    for (const QByteArray &line : lsRemote.split('\n')) {
        const QList<QByteArray> parts = line.trimmed().split('\t');
        if (parts.size() != 2 || !commitId.match(QString::fromLatin1(parts[0])).hasMatch())
            continue;
        const QString sha = QString::fromLatin1(parts[0]);
        const QString name = QString::fromUtf8(parts[1]);
        if (name == QLatin1String("HEAD"))
            refs.head = sha;
        else if (name.startsWith(QLatin1String("refs/heads/")))
            refs.branches << qMakePair(name.mid(11), sha);
        else if (name.startsWith(QLatin1String("refs/tags/")) &&
                 name.endsWith(QLatin1String("^{}")))
            peeled.insert(name.mid(10).chopped(3), sha);
        else if (name.startsWith(QLatin1String("refs/tags/")))
            tags << qMakePair(name.mid(10), sha);
    }
    for (auto &[name, sha] : tags)
        refs.tags << qMakePair(name, peeled.value(name, sha));
    return refs;
}

namespace {

QString lookup(const QList<QPair<QString, QString>> &refs, const QString &name)
{
    for (const auto &[refName, sha] : refs)
        if (refName == name)
            return sha;
    return {};
}

} // namespace

QString GitRefs::fullName(const QString &ref) const
{
    static const QRegularExpression fullId(
        QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{40}|[0-9a-f]{64}")));
    if (fullId.match(ref).hasMatch() || ref == QLatin1String("HEAD"))
        return ref;
    if (ref.startsWith(QLatin1String("refs/")))
        return ref;
    // gitrevisions(7): refs/<name>, refs/tags/<name>, refs/heads/<name>, ... first match wins.
    if (!lookup(tags, ref).isEmpty())
        return QStringLiteral("refs/tags/") + ref;
    if (!lookup(branches, ref).isEmpty())
        return QStringLiteral("refs/heads/") + ref;
    return {};
}

QString GitRefs::resolve(const QString &ref) const
{
    const QString full = fullName(ref);
    if (full.isEmpty())
        return {};
    if (full == QLatin1String("HEAD"))
        return head;
    if (full.startsWith(QLatin1String("refs/tags/")))
        return lookup(tags, full.mid(10));
    if (full.startsWith(QLatin1String("refs/heads/")))
        return lookup(branches, full.mid(11));
    return full.startsWith(QLatin1String("refs/")) ? QString() : full;
}

void listGitRefs(SshPool *pool, const DeploySpec &spec, QObject *guard,
                 std::function<void(const Result<GitRefs> &refs)> done)
{
    // Not a Job: the listing is parsed, and all of it counts (a repository may have more refs
    // than a job keeps lines).
    HostFanOut::read(pool, spec.lockHost, DeployScripts::listRefs(spec), guard,
                     [done = std::move(done)](const HostOutcome &outcome) {
                         if (!outcome.ok())
                             return done(Result<GitRefs>::failure(outcome.describe()));
                         done(GitRefs::parse(outcome.output));
                     });
}

} // namespace Opsdeck
