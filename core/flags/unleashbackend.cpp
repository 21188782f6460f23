// SPDX-License-Identifier: GPL-3.0-or-later
#include "unleashbackend.h"

#include "common/httppolicy.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QUrlQuery>

namespace Opsdeck {

namespace {

constexpr int kRequestTimeoutMs = 15000;

bool isPlainRollout(const QJsonObject &strategy)
{
    return strategy.value(QStringLiteral("name")).toString() == QLatin1String("flexibleRollout") &&
           strategy.value(QStringLiteral("constraints")).toArray().isEmpty() &&
           strategy.value(QStringLiteral("segments")).toArray().isEmpty();
}

int rolloutOf(const QJsonObject &strategy)
{
    return strategy.value(QStringLiteral("parameters"))
        .toObject()
        .value(QStringLiteral("rollout"))
        .toVariant()
        .toInt();
}

/** The state of one feature in one environment, from its toggle and its active strategies. */
FlagState stateOf(const QString &name, bool enabled, const QJsonArray &strategies)
{
    FlagState f;
    f.name = name;
    QJsonArray active;
    for (const QJsonValue &s : strategies)
        if (!s.toObject().value(QStringLiteral("disabled")).toBool())
            active << s;
    QStringList others;
    bool everyone = active.isEmpty();
    for (const QJsonValue &v : active) {
        const QJsonObject s = v.toObject();
        const QString kind = s.value(QStringLiteral("name")).toString();
        if (kind == QLatin1String("default") || (isPlainRollout(s) && rolloutOf(s) >= 100))
            everyone = true;
        else if (isPlainRollout(s) && !f.percent)
            f.percent = rolloutOf(s);
        else
            others << (isPlainRollout(s) || kind == QLatin1String("flexibleRollout")
                           ? QStringLiteral("%1 % with %2 constraints")
                                 .arg(rolloutOf(s))
                                 .arg(s.value(QStringLiteral("constraints")).toArray().size())
                           : kind);
    }
    if (!enabled)
        f.everyone = false;
    else if (everyone)
        f.everyone = true;
    else
        f.otherRules = others.join(QStringLiteral(", "));
    return f;
}

QString plainSummary(QString markdown)
{
    static const QRegularExpression link(QStringLiteral("\\[([^\\]]*)\\]\\([^)]*\\)"));
    return markdown.replace(link, QStringLiteral("\\1")).remove(QStringLiteral("**"));
}

} // namespace

UnleashBackend::UnleashBackend(FlagsSpec spec, QObject *parent)
    : FlagsBackend(parent)
    , m_spec(std::move(spec))
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setTransferTimeout(kRequestTimeoutMs);
}

UnleashBackend::~UnleashBackend() = default;

QString UnleashBackend::describe() const
{
    return QStringLiteral("Unleash %1, project %2, environment %3")
        .arg(m_spec.url, m_spec.project, m_spec.unleashEnvironment);
}

QString UnleashBackend::featurePath(const QString &feature) const
{
    return QStringLiteral("/api/admin/projects/%1/features/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_spec.project)),
             QString::fromLatin1(QUrl::toPercentEncoding(feature)));
}

void UnleashBackend::request(const QByteArray &verb, const QString &path, const QJsonDocument &body,
                             QObject *guard, Reply done)
{
    QUrl url(m_spec.url);
    // featurePath() has already percent-encoded the names; keep the whole path encoded so a
    // feature called "a/b" or "50%" is not decoded back into extra path segments.
    const QString basePath = url.path(QUrl::FullyEncoded);
    url.setPath(basePath.chopped(basePath.endsWith(QLatin1Char('/')) ? 1 : 0) +
                    path.section(QLatin1Char('?'), 0, 0),
                QUrl::TolerantMode);
    if (path.contains(QLatin1Char('?')))
        url.setQuery(path.section(QLatin1Char('?'), 1));
    QNetworkRequest req(url);
    req.setRawHeader("Authorization", m_spec.token.toUtf8());
    req.setRawHeader("Accept", "application/json");
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    HttpPolicy::followSameOriginRedirects(req);
    QNetworkReply *reply = m_network->sendCustomRequest(
        req, verb, body.isNull() ? QByteArray() : body.toJson(QJsonDocument::Compact));
    HttpPolicy::guardRedirects(reply);
    connect(reply, &QNetworkReply::finished, guard, [reply, verb, path, done] {
        reply->deleteLater();
        const QByteArray data = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status >= 300) {
            QString message = HttpPolicy::refusedRedirect(reply);
            if (message.isEmpty())
                message = QJsonDocument::fromJson(data)
                              .object()
                              .value(QStringLiteral("message"))
                              .toString();
            done(Result<QJsonDocument>::failure(
                QStringLiteral("Unleash %1 %2: %3")
                    .arg(QString::fromLatin1(verb), path.section(QLatin1Char('?'), 0, 0),
                         message.isEmpty() ? reply->errorString() : message)));
            return;
        }
        done(QJsonDocument::fromJson(data));
    });
}

QList<FlagState> UnleashBackend::parseFeatures(const QString &environment,
                                               const QJsonDocument &projectFeatures,
                                               const QJsonDocument &exported)
{
    QHash<QString, QJsonArray> strategies;
    for (const QJsonValue &v :
         exported.object().value(QStringLiteral("featureStrategies")).toArray())
        strategies[v.toObject().value(QStringLiteral("featureName")).toString()] << v;
    QList<FlagState> flags;
    for (const QJsonValue &v :
         projectFeatures.object().value(QStringLiteral("features")).toArray()) {
        const QJsonObject feature = v.toObject();
        const QString name = feature.value(QStringLiteral("name")).toString();
        bool enabled = false;
        for (const QJsonValue &e : feature.value(QStringLiteral("environments")).toArray())
            if (e.toObject().value(QStringLiteral("name")).toString() == environment)
                enabled = e.toObject().value(QStringLiteral("enabled")).toBool();
        FlagState f = stateOf(name, enabled, strategies.value(name));
        f.note = feature.value(QStringLiteral("description")).toString();
        f.created = QDateTime::fromString(feature.value(QStringLiteral("createdAt")).toString(),
                                          Qt::ISODateWithMs);
        f.modified = f.created; // the list has no "last changed"; the event log has
        flags << f;
    }
    std::sort(flags.begin(), flags.end(),
              [](const FlagState &a, const FlagState &b) { return a.name < b.name; });
    return flags;
}

void UnleashBackend::startLoad(QObject *guard, Loaded done)
{
    const QString list = QStringLiteral("/api/admin/projects/%1/features")
                             .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_spec.project)));
    request("GET", list, {}, guard, [this, guard, done](const Result<QJsonDocument> &features) {
        if (!features) {
            done(Result<QList<FlagState>>::failure(features.errorString()));
            return;
        }
        // Strategies (the rollout percentages) of every feature in one request: the export.
        const QJsonDocument body(
            QJsonObject{{QStringLiteral("environment"), m_spec.unleashEnvironment},
                        {QStringLiteral("project"), m_spec.project}});
        request("POST", QStringLiteral("/api/admin/features-batch/export"), body, guard,
                [this, features = *features, done](const Result<QJsonDocument> &exported) {
                    if (!exported)
                        done(Result<QList<FlagState>>::failure(exported.errorString()));
                    else
                        done(parseFeatures(m_spec.unleashEnvironment, features, *exported));
                });
    });
}

void UnleashBackend::current(
    const QString &feature, QObject *guard,
    std::function<void(const Result<FlagState> &, const QJsonArray &)> done)
{
    request("GET", featurePath(feature), {}, guard,
            [this, feature, done](const Result<QJsonDocument> &reply) {
                if (!reply) {
                    done(Result<FlagState>::failure(reply.errorString()), {});
                    return;
                }
                for (const QJsonValue &e :
                     reply->object().value(QStringLiteral("environments")).toArray()) {
                    const QJsonObject env = e.toObject();
                    if (env.value(QStringLiteral("name")).toString() != m_spec.unleashEnvironment)
                        continue;
                    const QJsonArray strategies = env.value(QStringLiteral("strategies")).toArray();
                    done(
                        stateOf(feature, env.value(QStringLiteral("enabled")).toBool(), strategies),
                        strategies);
                    return;
                }
                done(Result<FlagState>::failure(
                         QStringLiteral("Unleash has no environment '%1' in project %2")
                             .arg(m_spec.unleashEnvironment, m_spec.project)),
                     {});
            });
}

void UnleashBackend::startApply(const FlagEdit &edit, QObject *guard, Written done)
{
    const QString via = QStringLiteral("Unleash admin API");
    if (edit.subject().kind != FlagState::Kind::Flag) {
        done(Status::failure(QStringLiteral("Unleash has feature flags only")), via);
        return;
    }
    if (const Status valid = edit.validate(); !valid) {
        done(valid, via);
        return;
    }
    const QString name = edit.subject().name;
    if (edit.op == FlagEdit::Op::Delete) { // Unleash archives: gone from every environment
        request("DELETE", featurePath(name), {}, guard,
                [done, via](const Result<QJsonDocument> &r) { done(statusOf(r), via); });
        return;
    }
    if (edit.op == FlagEdit::Op::Create) {
        const QJsonDocument body(QJsonObject{{QStringLiteral("name"), name},
                                             {QStringLiteral("type"), QStringLiteral("release")},
                                             {QStringLiteral("description"), edit.after.note}});
        request("POST",
                QStringLiteral("/api/admin/projects/%1/features")
                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_spec.project))),
                body, guard, [this, edit, guard, done, via](const Result<QJsonDocument> &r) {
                    if (!r)
                        done(statusOf(r), via);
                    else
                        write(edit, {}, guard, done);
                });
        return;
    }
    // Unleash has no conditional writes: re-read and compare, then write.
    current(
        name, guard,
        [this, edit, guard, done, via](const Result<FlagState> &now, const QJsonArray &strategies) {
            if (!now) {
                done(statusOf(now), via);
                return;
            }
            if (!now->sameBehaviour(edit.before)) {
                done(Status::failure(QStringLiteral("changed in Unleash since it was read "
                                                    "(now %1); nothing written")
                                         .arg(now->summary()),
                                     kFlagConflict),
                     via);
                return;
            }
            write(edit, strategies, guard, done);
        });
}

void UnleashBackend::write(const FlagEdit &edit, const QJsonArray &strategies, QObject *guard,
                           Written done)
{
    const QString via = QStringLiteral("Unleash admin API");
    const QString name = edit.after.name;
    const auto finish = [done, via](const Status &s) {
        done(s, via);
    };
    if (edit.after.everyone == false) {
        toggle(name, false, guard, finish);
        return;
    }
    const int percent = edit.after.everyone ? 100 : qRound(edit.after.percent.value_or(0));
    setRollout(name, percent, strategies, guard, [this, name, guard, finish](const Status &s) {
        if (!s)
            finish(s);
        else
            toggle(name, true, guard, finish);
    });
}

void UnleashBackend::setRollout(const QString &feature, int percent, const QJsonArray &strategies,
                                QObject *guard, std::function<void(const Status &)> done)
{
    const QString base =
        featurePath(feature) +
        QStringLiteral("/environments/%1/strategies")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_spec.unleashEnvironment)));
    QJsonObject strategy{{QStringLiteral("name"), QStringLiteral("flexibleRollout")},
                         {QStringLiteral("constraints"), QJsonArray()}};
    QString id;
    QJsonObject parameters{{QStringLiteral("stickiness"), QStringLiteral("default")},
                           {QStringLiteral("groupId"), feature}};
    for (const QJsonValue &v : strategies)
        if (isPlainRollout(v.toObject()) && id.isEmpty()) {
            id = v.toObject().value(QStringLiteral("id")).toString();
            parameters = v.toObject().value(QStringLiteral("parameters")).toObject();
        }
    parameters.insert(QStringLiteral("rollout"), QString::number(percent));
    strategy.insert(QStringLiteral("parameters"), parameters);
    const auto reply = [done](const Result<QJsonDocument> &r) {
        done(statusOf(r));
    };
    if (id.isEmpty())
        request("POST", base, QJsonDocument(strategy), guard, reply);
    else
        request("PUT", base + QLatin1Char('/') + id, QJsonDocument(strategy), guard, reply);
}

void UnleashBackend::toggle(const QString &feature, bool on, QObject *guard,
                            std::function<void(const Status &)> done)
{
    request("POST",
            featurePath(feature) +
                QStringLiteral("/environments/%1/%2")
                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_spec.unleashEnvironment)),
                         on ? QStringLiteral("on") : QStringLiteral("off")),
            {}, guard, [done](const Result<QJsonDocument> &r) { done(statusOf(r)); });
}

void UnleashBackend::startEvents(const QString &flagName, QObject *guard, Events done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("feature"), QStringLiteral("IS:") + flagName);
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
    request("GET", QStringLiteral("/api/admin/search/events?") + query.toString(QUrl::FullyEncoded),
            {}, guard, [done](const Result<QJsonDocument> &reply) {
                if (!reply) {
                    done(Result<QList<FlagEvent>>::failure(reply.errorString()));
                    return;
                }
                QList<FlagEvent> events;
                for (const QJsonValue &v :
                     reply->object().value(QStringLiteral("events")).toArray()) {
                    const QJsonObject e = v.toObject();
                    events << FlagEvent{
                        QDateTime::fromString(e.value(QStringLiteral("createdAt")).toString(),
                                              Qt::ISODateWithMs),
                        e.value(QStringLiteral("createdBy")).toString(),
                        e.value(QStringLiteral("type")).toString(),
                        e.value(QStringLiteral("environment")).toString(),
                        plainSummary(e.value(QStringLiteral("summary")).toString())};
                }
                done(events);
            });
}

} // namespace Opsdeck
