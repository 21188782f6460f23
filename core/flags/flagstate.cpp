// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

namespace Opsdeck {

FlagState::Effect FlagState::effect() const
{
    switch (kind) {
    case Kind::Switch:
        return active ? Effect::On : Effect::Off;
    case Kind::Sample:
        return !percent || *percent <= 0 ? Effect::Off
               : *percent >= 100         ? Effect::On
                                         : Effect::Partial;
    case Kind::Flag:
        break;
    }
    if (everyone)
        return *everyone ? Effect::On : Effect::Off;
    const bool anyRule = (percent && *percent > 0) || !otherRules.isEmpty() || testing ||
                         superusers || staff || authenticated || !languages.isEmpty() ||
                         !userNames.isEmpty() || !groupNames.isEmpty();
    return anyRule ? Effect::Partial : Effect::Off;
}

QString FlagState::summary() const
{
    if (kind == Kind::Switch)
        return active ? QStringLiteral("on") : QStringLiteral("off");
    if (kind == Kind::Sample)
        return QStringLiteral("%1 % of calls").arg(percent.value_or(0));
    if (everyone)
        return *everyone ? QStringLiteral("on") : QStringLiteral("off");
    QStringList parts;
    if (percent && *percent > 0)
        parts << QStringLiteral("%1 %").arg(*percent);
    if (superusers)
        parts << QStringLiteral("superusers");
    if (staff)
        parts << QStringLiteral("staff");
    if (authenticated)
        parts << QStringLiteral("signed in");
    if (!userNames.isEmpty())
        parts << (userNames.size() == 1 ? userNames.first()
                                        : QStringLiteral("%1 users").arg(userNames.size()));
    if (!groupNames.isEmpty())
        parts << (groupNames.size() == 1 ? QStringLiteral("group %1").arg(groupNames.first())
                                         : QStringLiteral("%1 groups").arg(groupNames.size()));
    if (!languages.isEmpty())
        parts << languages;
    if (testing)
        parts << QStringLiteral("testing");
    if (!otherRules.isEmpty())
        parts << otherRules;
    return parts.isEmpty() ? QStringLiteral("off") : parts.join(QStringLiteral(", "));
}

QString FlagState::rules() const
{
    if (kind != Kind::Flag || !hasWaffleRules)
        return summary(); // a plain table or Unleash: no waffle fields to list
    const auto yes = [](bool b) {
        return b ? QStringLiteral("yes") : QStringLiteral("no");
    };
    const auto names = [](const QStringList &list) {
        return list.isEmpty() ? QStringLiteral("-") : list.join(QStringLiteral(", "));
    };
    return QStringLiteral("everyone: %1\npercent: %2\nsuperusers: %3\nstaff: %4\nauthenticated: "
                          "%5\nusers: %6\ngroups: %7\nlanguages: %8\ntesting: %9")
        .arg(everyone ? (*everyone ? QStringLiteral("on") : QStringLiteral("off"))
                      : QStringLiteral("unset (the rules below decide)"),
             percent ? QString::number(*percent) : QStringLiteral("unset"), yes(superusers),
             yes(staff), yes(authenticated), names(userNames), names(groupNames),
             languages.isEmpty() ? QStringLiteral("-") : languages, yes(testing));
}

bool FlagState::sameBehaviour(const FlagState &o) const
{
    return kind == o.kind && everyone == o.everyone && percent == o.percent &&
           testing == o.testing && superusers == o.superusers && staff == o.staff &&
           authenticated == o.authenticated && rollout == o.rollout && languages == o.languages &&
           otherRules == o.otherRules && userNames == o.userNames && groupNames == o.groupNames &&
           active == o.active;
}

QString kindName(FlagState::Kind kind)
{
    switch (kind) {
    case FlagState::Kind::Switch:
        return QStringLiteral("switch");
    case FlagState::Kind::Sample:
        return QStringLiteral("sample");
    case FlagState::Kind::Flag:
        break;
    }
    return QStringLiteral("flag");
}

QString flagKey(const FlagState &flag)
{
    return kindName(flag.kind) + QLatin1Char(':') + flag.name;
}

bool isSqlIdentifier(const QString &name)
{
    static const QRegularExpression re(QRegularExpression::anchoredPattern(
        QStringLiteral("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")));
    return re.match(name).hasMatch();
}

QString quotedIdentifier(const QString &identifier)
{
    QStringList parts = identifier.split(QLatin1Char('.'));
    for (QString &p : parts) // an embedded " is doubled, as SQL quotes it
        p = QLatin1Char('"') + p.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
            QLatin1Char('"');
    return parts.join(QLatin1Char('.'));
}

Result<FlagsSpec> FlagsSpec::fromWorkspace(const QVariantMap &flags, const QString &environmentName)
{
    using R = Result<FlagsSpec>;
    const auto text = [&flags](const char *key, const QString &fallback = {}) {
        return flags.value(QString::fromLatin1(key), fallback).toString();
    };
    FlagsSpec spec;
    spec.backend = text("backend", QStringLiteral("waffle"));
    spec.manage = text("manage");
    // Checked, with its position, and made milliseconds by the workspace loader.
    spec.manageTimeoutMs =
        flags.value(QStringLiteral("manage_timeout"), spec.manageTimeoutMs).toInt();
    spec.table = text("table");
    spec.nameColumn = text("name_column", spec.nameColumn);
    spec.enabledColumn = text("enabled_column", spec.enabledColumn);
    spec.userTable = text("user_table", spec.userTable);
    spec.usernameColumn = text("username_column", spec.usernameColumn);
    spec.url = text("url");
    spec.token = text("token");
    spec.project = text("project", spec.project);
    spec.unleashEnvironment = text("environment", environmentName);
    QStringList identifiers;
    if (spec.isWaffle()) {
        identifiers = {spec.userTable, spec.usernameColumn};
    } else if (spec.isTable()) {
        identifiers = {spec.table, spec.nameColumn, spec.enabledColumn};
    } else if (spec.isUnleash()) {
        if (!spec.url.startsWith(QLatin1String("http://")) &&
            !spec.url.startsWith(QLatin1String("https://")))
            return R::failure(QStringLiteral("flags.url: the Unleash server's http(s) address is "
                                             "needed (e.g. http://127.0.0.1:4242)"));
        if (spec.token.isEmpty())
            return R::failure(QStringLiteral("flags.token: an Unleash admin token is needed "
                                             "(e.g. token: ${UNLEASH_TOKEN})"));
        return spec;
    } else {
        return R::failure(QStringLiteral("flags.backend: '%1' is not one of waffle, table, unleash")
                              .arg(spec.backend));
    }
    for (const QString &name : identifiers)
        if (!isSqlIdentifier(name))
            return R::failure(QStringLiteral("flags: '%1' is not a table or column name (letters, "
                                             "digits and _, optionally schema.table)")
                                  .arg(name));
    return spec;
}

PgStatement flagsQuery(const FlagsSpec &spec)
{
    if (spec.isTable())
        return {QStringLiteral("select 'flag' as kind, %1::text as name, %2::boolean as active "
                               "from %3 order by 2")
                    .arg(quotedIdentifier(spec.nameColumn), quotedIdentifier(spec.enabledColumn),
                         quotedIdentifier(spec.table)),
                {}};
    // waffle: the three kinds in one statement; a flag's users and groups as JSON name arrays.
    return {
        QStringLiteral(
            "select 'flag' as kind, f.name, f.everyone, f.percent::float8 as percent, f.testing, "
            "f.superusers, f.staff, f.authenticated, f.rollout, f.languages, f.note, "
            "floor(extract(epoch from f.created) * 1000)::float8 as created_ms, "
            "floor(extract(epoch from f.modified) * 1000)::float8 as modified_ms, "
            "null::boolean as active, "
            "(select json_agg(u.%2 order by u.%2) from waffle_flag_users fu join %1 u "
            "on u.id = fu.user_id where fu.flag_id = f.id)::text as user_names, "
            "(select json_agg(g.name order by g.name) from waffle_flag_groups fg join auth_group g "
            "on g.id = fg.group_id where fg.flag_id = f.id)::text as group_names "
            "from waffle_flag f "
            "union all select 'switch', s.name, null, null, false, false, false, false, false, "
            "'', s.note, floor(extract(epoch from s.created) * 1000), "
            "floor(extract(epoch from s.modified) * 1000), s.active, null, null from waffle_switch "
            "s "
            "union all select 'sample', m.name, null, m.percent::float8, false, false, false, "
            "false, false, '', m.note, floor(extract(epoch from m.created) * 1000), "
            "floor(extract(epoch from m.modified) * 1000), null, null, null from waffle_sample m "
            "order by 2, 1")
            .arg(quotedIdentifier(spec.userTable), quotedIdentifier(spec.usernameColumn)),
        {}};
}

namespace {

QStringList jsonNames(const QVariant &value)
{
    QStringList names;
    for (const QJsonValue &v : QJsonDocument::fromJson(value.toString().toUtf8()).array())
        names << v.toString();
    return names;
}

} // namespace

Result<QList<FlagState>> parseFlags(const FlagsSpec &spec, const Result<PgResultSet> &result)
{
    using R = Result<QList<FlagState>>;
    if (!result) {
        const QString hint = spec.isWaffle()
                                 ? QStringLiteral(" (is django-waffle installed and migrated?)")
                                 : QString();
        return R::failure(result.errorString() + hint, result.error().code);
    }
    QList<FlagState> flags;
    const PgResultSet &rs = *result;
    for (int row = 0; row < rs.rowCount(); ++row) {
        FlagState f;
        const QString kind = rs.value(row, QStringLiteral("kind")).toString();
        f.kind = kind == QLatin1String("switch")   ? FlagState::Kind::Switch
                 : kind == QLatin1String("sample") ? FlagState::Kind::Sample
                                                   : FlagState::Kind::Flag;
        f.name = rs.value(row, QStringLiteral("name")).toString();
        const QVariant everyone = rs.value(row, QStringLiteral("everyone"));
        if (everyone.isValid())
            f.everyone = everyone.toBool();
        const QVariant percent = rs.value(row, QStringLiteral("percent"));
        if (percent.isValid())
            f.percent = percent.toDouble();
        f.testing = rs.value(row, QStringLiteral("testing")).toBool();
        f.superusers = rs.value(row, QStringLiteral("superusers")).toBool();
        f.staff = rs.value(row, QStringLiteral("staff")).toBool();
        f.authenticated = rs.value(row, QStringLiteral("authenticated")).toBool();
        f.rollout = rs.value(row, QStringLiteral("rollout")).toBool();
        f.languages = rs.value(row, QStringLiteral("languages")).toString();
        f.note = rs.value(row, QStringLiteral("note")).toString();
        // Milliseconds since the epoch, floored: what the optimistic check compares.
        const QVariant created = rs.value(row, QStringLiteral("created_ms"));
        const QVariant modified = rs.value(row, QStringLiteral("modified_ms"));
        if (created.isValid())
            f.created = QDateTime::fromMSecsSinceEpoch(qint64(created.toDouble()), Qt::UTC);
        if (modified.isValid())
            f.modified = QDateTime::fromMSecsSinceEpoch(qint64(modified.toDouble()), Qt::UTC);
        f.active = rs.value(row, QStringLiteral("active")).toBool();
        f.userNames = jsonNames(rs.value(row, QStringLiteral("user_names")));
        f.groupNames = jsonNames(rs.value(row, QStringLiteral("group_names")));
        f.hasWaffleRules = spec.isWaffle();
        if (spec.isTable()) // a plain table: on or off for everyone
            f.everyone = f.active;
        flags << f;
    }
    return flags;
}

} // namespace Opsdeck
