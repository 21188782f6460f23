// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertactions.h"

#include "alertsclient.h"
#include "common/formatting.h"
#include "common/futures.h"

#include <QDateTime>

namespace Opsdeck::AlertActions {

QString untilText(qint64 endsAtMs)
{
    const QDateTime ends = QDateTime::fromMSecsSinceEpoch(endsAtMs, Qt::UTC);
    const qint64 left = (endsAtMs - QDateTime::currentMSecsSinceEpoch()) / 1000;
    return QStringLiteral("%1 UTC (%2)")
        .arg(ends.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
             left > 0 ? QStringLiteral("in %1").arg(formatDuration(left))
                      : QStringLiteral("ended"));
}

ActionRequest silenceRequest(const QString &workspace, const EnvironmentSpec &environment,
                             const Silence &silence)
{
    ActionRequest request;
    request.kind = ActionKind::SilenceCreate;
    request.workspace = workspace;
    request.environment = environment.name;
    request.isProtected = environment.isProtected;
    request.target = QStringLiteral("silence %1").arg(silence.matchersText());
    request.after = QStringLiteral("silenced until %1").arg(untilText(silence.endsAtMs));
    request.description =
        QStringLiteral("Silence the alerts of %1 that match %2 until %3. Nobody is notified of "
                       "them meanwhile.")
            .arg(environment.name, silence.matchersText(), untilText(silence.endsAtMs));
    request.comment = silence.comment;
    return request;
}

ActionRequest expireRequest(const QString &workspace, const EnvironmentSpec &environment,
                            const Silence &silence)
{
    ActionRequest request;
    request.kind = ActionKind::SilenceExpire;
    request.workspace = workspace;
    request.environment = environment.name;
    request.isProtected = environment.isProtected;
    request.target = QStringLiteral("silence %1 (%2)").arg(silence.id, silence.matchersText());
    request.before = QStringLiteral("silenced until %1").arg(untilText(silence.endsAtMs));
    request.after = QStringLiteral("expired");
    request.description =
        QStringLiteral("Expire the silence of %1 on %2 (by %3: %4): its alerts "
                       "notify again.")
            .arg(silence.matchersText(), environment.name, silence.createdBy, silence.comment);
    return request;
}

ActionPipeline::Act createSilence(AlertsClient *client, Silence silence, QObject *guard,
                                  std::function<void(const QString &)> created)
{
    return [client, silence, guard, created](const ActionRequest &confirmed,
                                             ActionPipeline::Finish finish) {
        Silence s = silence;
        if (!confirmed.comment.isEmpty())
            s.comment = confirmed.comment;
        // Alertmanager refuses a silence without a comment; say who asked for it at least.
        if (s.comment.isEmpty())
            s.comment = QStringLiteral("silenced from Opsdeck");
        const QString after = confirmed.after;
        onFinished(
            client->createSilence(s), guard, [finish, created, after](const Result<QString> &id) {
                if (!id) {
                    finish(Result<QString>::failure(id.errorString()));
                    return;
                }
                if (created)
                    created(*id);
                ActionResult result{QString()}; // "succeeded"; the row's after names the silence
                result.after = QStringLiteral("silence %1: %2").arg(*id, after);
                finish(result);
            });
    };
}

ActionPipeline::Act expireSilence(AlertsClient *client, QString id, QObject *guard)
{
    return [client, id, guard](const ActionRequest &, ActionPipeline::Finish finish) {
        onFinished(client->expireSilence(id), guard, [finish](const Status &expired) {
            finish(expired ? Result<QString>(QString())
                           : Result<QString>::failure(expired.errorString()));
        });
    };
}

} // namespace Opsdeck::AlertActions
