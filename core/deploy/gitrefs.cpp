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

GitRefsJob::GitRefsJob(SshPool *pool, const DeploySpec &spec, QObject *parent)
    : Job(QStringLiteral("list refs on %1").arg(spec.lockHost),
          DeployScripts::listRefs(spec).trimmed(), parent)
    , m_pool(pool)
    , m_host(spec.lockHost)
{
    setTimeout(kTimeout);
}

GitRefsJob::~GitRefsJob()
{
    abort();
}

void GitRefsJob::begin()
{
    // Not Job::remote: its output is kept as bounded lines, and every ref counts here.
    m_read = new HostFanOut(m_pool, this);
    m_read->setCaptureOutput(true);
    m_read->setStreamOutput(false);
    connect(m_read, &HostFanOut::finished, this, [this](const QList<HostOutcome> &outcomes) {
        m_read->deleteLater();
        const HostOutcome outcome = outcomes.value(0);
        if (outcome.cancelled)
            return; // Job::cancel() or the timeout ended the job and said why
        if (!outcome.ok())
            return completeAs(State::Failed, outcome.describe());
        m_refs = GitRefs::parse(outcome.output);
        completeAs(State::Succeeded, QStringLiteral("%1 branches, %2 tags")
                                         .arg(m_refs.branches.size())
                                         .arg(m_refs.tags.size()));
    });
    const QString script = command() + QLatin1Char('\n');
    m_read->start({m_host}, [script](const QString &) { return script; });
}

Result<GitRefs> GitRefsJob::listing() const
{
    if (const Result<QString> outcome = result(); !outcome)
        return Result<GitRefs>::failure(outcome.errorString());
    return m_refs;
}

void GitRefsJob::abort()
{
    if (m_read)
        m_read->cancel();
}

} // namespace Opsdeck
