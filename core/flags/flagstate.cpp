// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagstate.h"

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
    const bool anyRule = (percent && *percent > 0) || testing || superusers || staff ||
                         authenticated || !languages.isEmpty() || users > 0 || groups > 0;
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
    if (users > 0)
        parts << QStringLiteral("%1 users").arg(users);
    if (groups > 0)
        parts << QStringLiteral("%1 groups").arg(groups);
    if (!languages.isEmpty())
        parts << languages;
    if (testing)
        parts << QStringLiteral("testing");
    return parts.isEmpty() ? QStringLiteral("off") : parts.join(QStringLiteral(", "));
}

QString FlagState::rules() const
{
    if (kind != Kind::Flag)
        return summary();
    const auto yes = [](bool b) {
        return b ? QStringLiteral("yes") : QStringLiteral("no");
    };
    return QStringLiteral("everyone: %1\npercent: %2\nsuperusers: %3\nstaff: %4\nauthenticated: "
                          "%5\nusers: %6, groups: %7\nlanguages: %8\ntesting: %9")
        .arg(everyone ? (*everyone ? QStringLiteral("on") : QStringLiteral("off"))
                      : QStringLiteral("unset (the rules below decide)"),
             percent ? QString::number(*percent) : QStringLiteral("unset"), yes(superusers),
             yes(staff), yes(authenticated), QString::number(users), QString::number(groups),
             languages.isEmpty() ? QStringLiteral("-") : languages, yes(testing));
}

bool FlagState::sameBehaviour(const FlagState &o) const
{
    return kind == o.kind && everyone == o.everyone && percent == o.percent &&
           testing == o.testing && superusers == o.superusers && staff == o.staff &&
           authenticated == o.authenticated && rollout == o.rollout && languages == o.languages &&
           users == o.users && groups == o.groups && active == o.active;
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

namespace {

/** Table and column names go into SQL as identifiers: letters, digits, _ and one schema dot. */
bool isIdentifier(const QString &name)
{
    static const QRegularExpression re(
        QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"));
    return re.match(name).hasMatch();
}

QString quoted(const QString &identifier)
{
    QStringList parts = identifier.split(QLatin1Char('.'));
    for (QString &p : parts)
        p = QLatin1Char('"') + p + QLatin1Char('"');
    return parts.join(QLatin1Char('.'));
}

} // namespace

Result<FlagsSpec> FlagsSpec::fromWorkspace(const QVariantMap &flags)
{
    using R = Result<FlagsSpec>;
    FlagsSpec spec;
    spec.backend = flags.value(QStringLiteral("backend"), QStringLiteral("waffle")).toString();
    spec.manage = flags.value(QStringLiteral("manage")).toString();
    spec.table = flags.value(QStringLiteral("table")).toString();
    spec.nameColumn = flags.value(QStringLiteral("name_column"), spec.nameColumn).toString();
    spec.enabledColumn =
        flags.value(QStringLiteral("enabled_column"), spec.enabledColumn).toString();
    if (spec.backend == QLatin1String("waffle"))
        return spec;
    if (spec.backend != QLatin1String("table"))
        return R::failure(
            QStringLiteral("flags.backend: '%1' is not one of waffle, table").arg(spec.backend));
    for (const QString &name : {spec.table, spec.nameColumn, spec.enabledColumn})
        if (!isIdentifier(name))
            return R::failure(QStringLiteral("flags: '%1' is not a table or column name (letters, "
                                             "digits and _, optionally schema.table)")
                                  .arg(name));
    return spec;
}

PgStatement flagsQuery(const FlagsSpec &spec)
{
    if (spec.backend == QLatin1String("table"))
        return {QStringLiteral("select 'flag' as kind, %1::text as name, %2::boolean as active "
                               "from %3 order by 2")
                    .arg(quoted(spec.nameColumn), quoted(spec.enabledColumn), quoted(spec.table)),
                {}};
    // waffle (django-waffle 5): the three kinds in one statement, users and groups counted.
    return {
        QStringLiteral(
            "select 'flag' as kind, f.name, f.everyone, f.percent::float8 as percent, f.testing, "
            "f.superusers, f.staff, f.authenticated, f.rollout, f.languages, f.note, "
            "floor(extract(epoch from f.created) * 1000)::float8 as created_ms, "
            "floor(extract(epoch from f.modified) * 1000)::float8 as modified_ms, "
            "null::boolean as active, "
            "(select count(*) from waffle_flag_users u where u.flag_id = f.id)::int as users, "
            "(select count(*) from waffle_flag_groups g where g.flag_id = f.id)::int as groups "
            "from waffle_flag f "
            "union all select 'switch', s.name, null, null, false, false, false, false, false, "
            "'', s.note, floor(extract(epoch from s.created) * 1000), "
            "floor(extract(epoch from s.modified) * 1000), s.active, 0, 0 from waffle_switch s "
            "union all select 'sample', m.name, null, m.percent::float8, false, false, false, "
            "false, false, '', m.note, floor(extract(epoch from m.created) * 1000), "
            "floor(extract(epoch from m.modified) * 1000), null, 0, 0 from waffle_sample m "
            "order by 2, 1"),
        {}};
}

Result<QList<FlagState>> parseFlags(const FlagsSpec &spec, const Result<PgResultSet> &result)
{
    using R = Result<QList<FlagState>>;
    if (!result) {
        const QString hint = spec.backend == QLatin1String("waffle")
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
        f.users = rs.value(row, QStringLiteral("users")).toInt();
        f.groups = rs.value(row, QStringLiteral("groups")).toInt();
        if (spec.backend == QLatin1String("table")) // a plain table: on or off for everyone
            f.everyone = f.active;
        flags << f;
    }
    return flags;
}

} // namespace Opsdeck
