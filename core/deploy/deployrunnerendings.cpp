// SPDX-License-Identifier: GPL-3.0-or-later
// How a DeployRunner job ends and what its outcome is called: refusals before any change,
// conclusions after the lock (history on every host, discarding an unused release, unlocking),
// the audit entry and the webhook.
#include "deployrunner.h"

#include "common/httppolicy.h"
#include "deployscripts.h"

#include "audit/auditlog.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace Opsdeck {

// ---- endings ----------------------------------------------------------------------------------

void DeployRunner::fail(const QList<HostOutcome> &outcomes, const QString &what)
{
    QStringList failed;
    bool lost = false;
    for (const QString &host :
         std::as_const(m_context.hosts)) { // the workspace's order, not arrival
        for (const HostOutcome &o : outcomes) {
            if (o.host != host)
                continue;
            if (!o.ok())
                failed << QStringLiteral("%1 (%2)").arg(o.host, o.describe());
            lost = lost || o.lost();
        }
    }
    const Outcome outcome = lost                ? Outcome::Interrupted
                            : m_cancelRequested ? Outcome::Cancelled
                                                : Outcome::Failed;
    QString summary =
        tr("%1 %2 on %3").arg(what, outcomeName(outcome), failed.join(QStringLiteral(", ")));
    if (!m_switchedAny)
        summary += tr("; current is untouched");
    conclude(outcome, summary);
}

void DeployRunner::refuse(Outcome outcome, const QString &why)
{
    m_outcome = outcome;
    m_summary = why;
    say(why);
    if (!m_dryRun && outcome != Outcome::Succeeded)
        audit();
    finish();
}

QString DeployRunner::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded:
        return tr("succeeded");
    case Outcome::Failed:
        return tr("failed");
    case Outcome::Cancelled:
        return tr("cancelled");
    case Outcome::Interrupted:
        return tr("interrupted");
    case Outcome::Refused:
        return tr("refused");
    }
    return {};
}

void DeployRunner::conclude(Outcome outcome, const QString &summary)
{
    m_outcome = outcome;
    m_summary = summary;
    setPhase(Phase::Finish, QString());
    say(summary);
    const bool interrupted = outcome == Outcome::Interrupted;
    if (interrupted)
        say(tr("the lock on %1 stays: a host was lost mid-way and its state is unknown. Look, then "
               "break the lock.")
                .arg(m_context.spec.lockHost));
    // A failed release goes wherever `current` does not use it (never switched, or switched
    // back); the script leaves it where `current` still points (a first deploy has no previous).
    const bool discardRelease =
        m_kind == Kind::Deploy && outcome != Outcome::Succeeded && !interrupted;
    const HistoryEntry entry =
        historyEntry(outcome == Outcome::Succeeded   ? HistoryEntry::Result::Succeeded
                     : outcome == Outcome::Cancelled ? HistoryEntry::Result::Cancelled
                     : interrupted                   ? HistoryEntry::Result::Interrupted
                                                     : HistoryEntry::Result::Failed);
    runOn(
        m_context.hosts,
        [this, discardRelease, entry, interrupted](const QString &host) {
            QString script = DeployScripts::appendHistory(m_context.spec, entry.toJson());
            if (discardRelease)
                script += DeployScripts::discard(m_context.spec, m_context.release);
            if (host == m_context.spec.lockHost && m_locked && !interrupted)
                script += DeployScripts::unlock(m_context.spec, m_context.id);
            return script;
        },
        false,
        [this](const QList<HostOutcome> &outcomes) {
            for (const HostOutcome &o : outcomes)
                if (o.host == m_context.spec.lockHost && !o.ok() &&
                    m_outcome != Outcome::Interrupted)
                    say(tr("warning: could not release the lock on %1: %2")
                            .arg(o.host, o.describe()));
            audit();
            notify();
        });
}

HistoryEntry DeployRunner::historyEntry(HistoryEntry::Result result) const
{
    HistoryEntry e;
    e.id = m_context.id;
    e.action = m_kind == Kind::Rollback ? QStringLiteral("rollback") : QStringLiteral("deploy");
    e.ref = m_kind == Kind::Rollback ? m_context.release : m_context.ref;
    e.revision = m_context.revision;
    e.release = m_context.release;
    e.previous = m_previous.value(m_context.spec.lockHost);
    e.user = m_context.user;
    e.comment = m_context.comment;
    e.result = result;
    e.time = m_started;
    e.durationSeconds = result == HistoryEntry::Result::Started ? 0 : m_clock.elapsed() / 1000.0;
    e.hosts = m_context.hosts;
    if (result != HistoryEntry::Result::Succeeded && result != HistoryEntry::Result::Started)
        e.message = m_summary;
    return e;
}

namespace {

/** A command as the audit log keeps it: its program and a digest, never its arguments (they
 * may carry passwords); the digest tells whether two runs were the same command. */
QString auditedCommand(const QString &command)
{
    const QString program = command.trimmed().section(QLatin1Char(' '), 0, 0).left(40);
    const QByteArray digest =
        QCryptographicHash::hash(command.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
    return QStringLiteral("`%1 …` (%2 characters, sha256 %3)")
        .arg(program)
        .arg(command.size())
        .arg(QString::fromLatin1(digest));
}

} // namespace

void DeployRunner::startAudit()
{
    if (!m_audit || m_dryRun)
        return;
    const Result<qint64> id = m_audit->begin(auditEntry());
    if (id)
        m_auditId = *id;
    else
        say(tr("warning: %1").arg(id.errorString()));
}

AuditEntry DeployRunner::auditEntry() const
{
    AuditEntry e;
    e.user = m_context.user;
    e.workspace = m_workspaceName;
    e.environment = m_context.environment;
    e.comment = m_context.comment;
    switch (m_kind) {
    case Kind::Deploy:
        e.action = QStringLiteral("deploy");
        e.target = QStringLiteral("%1 (%2)").arg(m_context.ref, m_context.revision.left(12));
        break;
    case Kind::Rollback:
        e.action = QStringLiteral("rollback");
        e.target = m_context.release;
        break;
    case Kind::Command:
        e.action = QStringLiteral("run");
        e.target = auditedCommand(m_command) + QStringLiteral(" on ") +
                   m_context.hosts.join(QStringLiteral(", "));
        break;
    }
    e.before = m_previous.value(m_context.spec.lockHost);
    e.after = m_kind == Kind::Command ? QString() : m_context.release;
    e.outcome = m_outcome == Outcome::Succeeded ? auditSucceeded()
                                                : outcomeName(m_outcome) + QStringLiteral(": ") +
                                                      m_summary.section(QLatin1Char('\n'), 0, 0);
    return e;
}

ActionResult DeployRunner::actionResult() const
{
    const AuditEntry entry = auditEntry();
    const QString summary = m_summary.section(QLatin1Char('\n'), 0, 0);
    ActionResult result(m_outcome == Outcome::Succeeded ? Result<QString>(summary)
                                                        : Result<QString>::failure(summary));
    result.target = entry.target;
    result.before = entry.before;
    result.after = entry.after;
    result.auditOutcome = entry.outcome;
    return result;
}

void DeployRunner::audit()
{
    if (!m_audit)
        return;
    const AuditEntry e = auditEntry();
    const Status s = m_auditId ? m_audit->complete(m_auditId, e) : m_audit->record(e);
    if (!s)
        say(tr("warning: %1").arg(s.errorString()));
}

void DeployRunner::notify()
{
    const QString url = m_context.spec.notifyWebhook;
    if (url.isEmpty() || m_kind == Kind::Command)
        return finish();
    // Slack's incoming-webhook shape; Mattermost, Rocket.Chat and Discord's /slack accept it.
    const QString icon = m_outcome == Outcome::Succeeded ? QStringLiteral(":white_check_mark:")
                                                         : QStringLiteral(":x:");
    const QJsonObject body{
        {QStringLiteral("text"),
         QStringLiteral("%1 %2 %3 on %4 %5 by %6: %7")
             .arg(icon,
                  m_kind == Kind::Rollback ? QStringLiteral("Rollback") : QStringLiteral("Deploy"),
                  m_context.ref.isEmpty() ? m_context.release : m_context.ref,
                  m_context.environment, outcomeName(m_outcome), m_context.user,
                  m_summary.section(QLatin1Char('\n'), 0, 0))}};
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(5000);
    HttpPolicy::followNoRedirects(
        request); // the URL holds the webhook's secret: send it nowhere else
    QNetworkReply *reply =
        m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            say(tr("warning: the webhook failed: %1").arg(reply->errorString()));
        finish();
    });
}

void DeployRunner::finish()
{
    m_phase = Phase::Done;
    m_steps.end(m_clock.elapsed());
    emit phaseChanged(Phase::Done, QString());
    emit finished(m_outcome, m_summary);
}

} // namespace Opsdeck
