// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagwrite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

FlagEdit FlagEdit::update(const FlagState &before, const FlagState &after)
{
    return {Op::Update, before, after};
}

FlagEdit FlagEdit::create(const FlagState &flag)
{
    return {Op::Create, {}, flag};
}

FlagEdit FlagEdit::remove(const FlagState &before)
{
    return {Op::Delete, before, {}};
}

Status FlagEdit::validate() const
{
    const FlagState &f = subject();
    if (f.name.trimmed().isEmpty())
        return Status::failure(QStringLiteral("a flag needs a name"));
    if (f.name.size() > 100)
        return Status::failure(
            QStringLiteral("'%1…' is longer than waffle's 100 characters").arg(f.name.left(20)));
    if (op == Op::Delete || !after.percent)
        return success();
    const double percent = *after.percent;
    if (after.kind == FlagState::Kind::Sample) {
        if (!(percent >= 0 && percent <= 100))
            return Status::failure(
                QStringLiteral("a sample's percent is between 0.0 and 100.0, not %1").arg(percent));
        return success();
    }
    if (percent >= 100 && percent <= 100)
        return Status::failure(QStringLiteral("100 % is on for everyone: turn it on instead "
                                              "(waffle keeps percent between 0.0 and 99.9)"));
    if (!(percent >= 0 && percent < 99.95))
        return Status::failure(QStringLiteral("percent must be between 0.0 and 99.9 (waffle's "
                                              "numeric(3,1)), not %1")
                                   .arg(percent));
    return success();
}

QString FlagEdit::beforeText() const
{
    return op == Op::Create ? QStringLiteral("(new)") : before.summary();
}

QString FlagEdit::afterText() const
{
    return op == Op::Delete ? QStringLiteral("(deleted)") : after.summary();
}

bool FlagEdit::usersOrGroupsChanged() const
{
    return op != Op::Delete && after.kind == FlagState::Kind::Flag &&
           (after.userNames != before.userNames || after.groupNames != before.groupNames);
}

FlagState FlagChange::applied(FlagState before) const
{
    switch (op) {
    case Op::On:
        before.everyone = true;
        break;
    case Op::Off:
        before.everyone = false;
        break;
    case Op::Percent:
        before.everyone.reset();
        before.percent = qRound(percent * 10) / 10.0;
        break;
    }
    return before;
}

namespace {

QJsonValue optionalBool(const std::optional<bool> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalPercent(const std::optional<double> &value)
{
    return value ? QJsonValue(qRound(*value * 10) / 10.0) : QJsonValue(QJsonValue::Null);
}

/** The model fields to set, in waffle's names. */
QJsonObject modelFields(const FlagState &f)
{
    switch (f.kind) {
    case FlagState::Kind::Switch:
        return {{QStringLiteral("active"), f.active}, {QStringLiteral("note"), f.note}};
    case FlagState::Kind::Sample:
        return {{QStringLiteral("percent"), optionalPercent(f.percent.value_or(0))},
                {QStringLiteral("note"), f.note}};
    case FlagState::Kind::Flag:
        break;
    }
    return {{QStringLiteral("everyone"), optionalBool(f.everyone)},
            {QStringLiteral("percent"), optionalPercent(f.percent)},
            {QStringLiteral("testing"), f.testing},
            {QStringLiteral("superusers"), f.superusers},
            {QStringLiteral("staff"), f.staff},
            {QStringLiteral("authenticated"), f.authenticated},
            {QStringLiteral("rollout"), f.rollout},
            {QStringLiteral("languages"), f.languages},
            {QStringLiteral("note"), f.note}};
}

// Runs inside `manage.py shell -c '…'`: no single quotes in it. Arguments arrive as base64
// JSON, so names and notes are never quoted for Python or the shell.
const char *const kManageScript =
    "import base64, json, math, sys\n"
    "import waffle\n"
    "from django.contrib.auth import get_user_model\n"
    "from django.contrib.auth.models import Group\n"
    "from django.db import transaction\n"
    "a = json.loads(base64.b64decode(\"%1\"))\n"
    "M = {\"flag\": waffle.get_waffle_flag_model, \"switch\": waffle.get_waffle_switch_model,\n"
    "     \"sample\": waffle.get_waffle_sample_model}[a[\"kind\"]]()\n"
    "with transaction.atomic():\n"
    "    o = M.objects.select_for_update().filter(name=a[\"name\"]).first()\n"
    "    if a[\"op\"] == \"create\":\n"
    "        if o is not None: sys.exit(5)\n"
    "        o = M(name=a[\"name\"])\n"
    "    elif o is None: sys.exit(4)\n"
    "    elif math.floor(o.modified.timestamp() * 1000) != a[\"modified_ms\"]: sys.exit(3)\n"
    "    if a[\"op\"] == \"delete\":\n"
    "        o.delete()\n"
    "    else:\n"
    "        for k, v in a[\"fields\"].items(): setattr(o, k, v)\n"
    "        o.save()\n"
    "        if a.get(\"users\") is not None:\n"
    "            U = get_user_model()\n"
    "            users = list(U.objects.filter(**{U.USERNAME_FIELD + \"__in\": a[\"users\"]}))\n"
    "            groups = list(Group.objects.filter(name__in=a[\"groups\"]))\n"
    "            found = {getattr(u, U.USERNAME_FIELD) for u in users} | {g.name for g in groups}\n"
    "            missing = sorted(set(a[\"users\"] + a[\"groups\"]) - found)\n"
    "            if missing:\n"
    "                print(\"unknown users or groups: \" + \", \".join(missing), file=sys.stderr)\n"
    "                sys.exit(6)\n"
    "            o.users.set(users)\n"
    "            o.groups.set(groups)\n"
    "            o.flush()\n"
    "print(\"done\")\n";

} // namespace

QString manageCommand(const QString &manage, const FlagEdit &edit)
{
    const FlagState &f = edit.subject();
    QJsonObject args{
        {QStringLiteral("kind"), kindName(f.kind)},
        {QStringLiteral("name"), f.name},
        {QStringLiteral("op"), edit.op == FlagEdit::Op::Create   ? QStringLiteral("create")
                               : edit.op == FlagEdit::Op::Delete ? QStringLiteral("delete")
                                                                 : QStringLiteral("update")},
        {QStringLiteral("modified_ms"), double(edit.before.modified.toMSecsSinceEpoch())},
        {QStringLiteral("fields"), modelFields(edit.after)}};
    if (edit.usersOrGroupsChanged()) {
        args.insert(QStringLiteral("users"), QJsonArray::fromStringList(edit.after.userNames));
        args.insert(QStringLiteral("groups"), QJsonArray::fromStringList(edit.after.groupNames));
    }
    const QByteArray encoded = QJsonDocument(args).toJson(QJsonDocument::Compact).toBase64();
    const QString python = QString::fromLatin1(kManageScript).arg(QString::fromLatin1(encoded));
    return manage + QStringLiteral(" shell -c '") + python + QLatin1Char('\'');
}

namespace {

/** Collects parameters while a statement is written: add() returns "$n::type". */
class Params
{
public:
    QString add(const QVariant &value, const char *type)
    {
        m_values << value;
        return QStringLiteral("$%1::%2").arg(m_values.size()).arg(QLatin1String(type));
    }
    QVariantList values() const { return m_values; }

private:
    QVariantList m_values;
};

QVariant sqlBool(const std::optional<bool> &value)
{
    return value ? QVariant(*value) : QVariant();
}

QVariant sqlPercent(const std::optional<double> &value)
{
    return value ? QVariant(QString::number(qRound(*value * 10) / 10.0, 'f', 1)) : QVariant();
}

QString waffleTable(FlagState::Kind kind)
{
    return QStringLiteral("waffle_") + kindName(kind);
}

/** name = $n and modified as read (to the millisecond, as read). */
QString asRead(Params &p, const FlagState &before)
{
    return QStringLiteral("name = %1 and floor(extract(epoch from modified) * 1000) = %2")
        .arg(p.add(before.name, "text"),
             p.add(QString::number(before.modified.toMSecsSinceEpoch()), "float8"));
}

/** column = value pairs of the kind's NOT NULL and nullable columns. */
QList<std::pair<QString, QString>> waffleColumns(Params &p, const FlagState &f)
{
    if (f.kind == FlagState::Kind::Switch)
        return {{QStringLiteral("active"), p.add(f.active, "boolean")},
                {QStringLiteral("note"), p.add(f.note, "text")}};
    if (f.kind == FlagState::Kind::Sample)
        return {{QStringLiteral("percent"), p.add(sqlPercent(f.percent.value_or(0)), "numeric")},
                {QStringLiteral("note"), p.add(f.note, "text")}};
    return {{QStringLiteral("everyone"), p.add(sqlBool(f.everyone), "boolean")},
            {QStringLiteral("percent"), p.add(sqlPercent(f.percent), "numeric")},
            {QStringLiteral("testing"), p.add(f.testing, "boolean")},
            {QStringLiteral("superusers"), p.add(f.superusers, "boolean")},
            {QStringLiteral("staff"), p.add(f.staff, "boolean")},
            {QStringLiteral("authenticated"), p.add(f.authenticated, "boolean")},
            {QStringLiteral("languages"), p.add(f.languages, "text")},
            {QStringLiteral("rollout"), p.add(f.rollout, "boolean")},
            {QStringLiteral("note"), p.add(f.note, "text")}};
}

/** CTEs that make the flag's users and groups exactly the wanted names (only rows that change
 * are touched; the statement's CTEs all see the rows as they were). Unknown names make `f`
 * match nothing, so nothing is written. */
QString membershipCtes(Params &p, const FlagsSpec &spec, const FlagState &after, QString *guard)
{
    const QString users =
        p.add(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(after.userNames))
                                    .toJson(QJsonDocument::Compact)),
              "json");
    const QString groups =
        p.add(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(after.groupNames))
                                    .toJson(QJsonDocument::Compact)),
              "json");
    const QString userTable = quotedIdentifier(spec.userTable);
    const QString username = quotedIdentifier(spec.usernameColumn);
    *guard = QStringLiteral(" and (select count(*) from %1 where %2 in (select "
                            "json_array_elements_text(%3))) = json_array_length(%3) and (select "
                            "count(*) from auth_group where name in (select "
                            "json_array_elements_text(%4))) = json_array_length(%4)")
                 .arg(userTable, username, users, groups);
    return QStringLiteral(
               ", nu as (select id from %1 where %2 in (select json_array_elements_text(%3))), "
               "ng as (select id from auth_group where name in (select "
               "json_array_elements_text(%4))), "
               "du as (delete from waffle_flag_users where flag_id in (select id from f) and "
               "user_id not in (select id from nu)), "
               "dg as (delete from waffle_flag_groups where flag_id in (select id from f) and "
               "group_id not in (select id from ng)), "
               "iu as (insert into waffle_flag_users (flag_id, user_id) select f.id, nu.id from "
               "f, nu where not exists (select 1 from waffle_flag_users x where x.flag_id = f.id "
               "and x.user_id = nu.id)), "
               "ig as (insert into waffle_flag_groups (flag_id, group_id) select f.id, ng.id from "
               "f, ng where not exists (select 1 from waffle_flag_groups x where x.flag_id = f.id "
               "and x.group_id = ng.id)) ")
        .arg(userTable, username, users, groups);
}

PgStatement waffleWrite(const FlagsSpec &spec, const FlagEdit &edit)
{
    Params p;
    const FlagState &f = edit.subject();
    const QString table = waffleTable(f.kind);
    if (edit.op == FlagEdit::Op::Delete) {
        // Django's M2M foreign keys have no ON DELETE CASCADE: the memberships go first.
        const QString where = asRead(p, edit.before);
        QString sql = QStringLiteral("with f as (select id from %1 where %2)").arg(table, where);
        if (f.kind == FlagState::Kind::Flag)
            sql += QStringLiteral(", du as (delete from waffle_flag_users where flag_id in "
                                  "(select id from f)), dg as (delete from waffle_flag_groups "
                                  "where flag_id in (select id from f))");
        sql += QStringLiteral(", d as (delete from %1 where id in (select id from f) returning "
                              "id) select id from d")
                   .arg(table);
        return {sql, p.values()};
    }
    const QList<std::pair<QString, QString>> columns = waffleColumns(p, edit.after);
    // Unknown user or group names add a guard that matches nothing, so nothing is written.
    QString memberships, guard;
    if (edit.usersOrGroupsChanged())
        memberships = membershipCtes(p, spec, edit.after, &guard);
    QString f_cte;
    if (edit.op == FlagEdit::Op::Create) {
        QStringList names{QStringLiteral("name")}, values{p.add(f.name, "text")};
        for (const auto &[column, value] : columns)
            names << column, values << value;
        names << QStringLiteral("created") << QStringLiteral("modified");
        values << QStringLiteral("now()") << QStringLiteral("now()");
        f_cte = QStringLiteral("insert into %1 (%2) select %3 where true%4 on conflict (name) do "
                               "nothing returning id")
                    .arg(table, names.join(QStringLiteral(", ")), values.join(QStringLiteral(", ")),
                         guard);
    } else {
        QStringList sets;
        for (const auto &[column, value] : columns)
            sets << column + QStringLiteral(" = ") + value;
        sets << QStringLiteral("modified = now()");
        f_cte = QStringLiteral("update %1 set %2 where %3%4 returning id")
                    .arg(table, sets.join(QStringLiteral(", ")), asRead(p, edit.before), guard);
    }
    return {QStringLiteral("with f as (%1)%2 select id from f").arg(f_cte, memberships),
            p.values()};
}

QString fillValue(const RequiredColumn &column)
{
    const QString &t = column.type;
    if (t.startsWith(QLatin1String("timestamp")) || t == QLatin1String("date"))
        return QStringLiteral("now()");
    if (t == QLatin1String("boolean"))
        return QStringLiteral("false");
    if (t.contains(QLatin1String("char")) || t == QLatin1String("text"))
        return QStringLiteral("''");
    if (t.contains(QLatin1String("int")) || t == QLatin1String("numeric") ||
        t.startsWith(QLatin1String("double")) || t == QLatin1String("real"))
        return QStringLiteral("0");
    return {};
}

Result<PgStatement> tableWrite(const FlagsSpec &spec, const FlagEdit &edit,
                               const QList<RequiredColumn> &required)
{
    Params p;
    const QString table = quotedIdentifier(spec.table);
    const QString name = quotedIdentifier(spec.nameColumn);
    const QString enabled = quotedIdentifier(spec.enabledColumn);
    const FlagState &f = edit.subject();
    if (edit.op == FlagEdit::Op::Create) {
        QStringList names{name, enabled};
        QStringList values{p.add(f.name, "text"), p.add(f.everyone.value_or(false), "boolean")};
        for (const RequiredColumn &column : required) {
            const QString value = fillValue(column);
            if (value.isEmpty())
                return Result<PgStatement>::failure(
                    QStringLiteral("%1.%2 (%3) must be filled and Opsdeck does not know how; "
                                   "create the flag in the application")
                        .arg(spec.table, column.name, column.type));
            names << quotedIdentifier(column.name);
            values << value;
        }
        return PgStatement{QStringLiteral("insert into %1 (%2) select %3 where not exists "
                                          "(select 1 from %1 where %4 = %5) returning %4")
                               .arg(table, names.join(QStringLiteral(", ")),
                                    values.join(QStringLiteral(", ")), name,
                                    QStringLiteral("$1::text")),
                           p.values()};
    }
    // A plain table has no modified column: the value as read is the check.
    const QString where = QStringLiteral("%1 = %2 and %3 = %4")
                              .arg(name, p.add(f.name, "text"), enabled,
                                   p.add(edit.before.everyone.value_or(false), "boolean"));
    if (edit.op == FlagEdit::Op::Delete)
        return PgStatement{
            QStringLiteral("delete from %1 where %2 returning %3").arg(table, where, name),
            p.values()};
    const QString value = p.add(edit.after.everyone.value_or(false), "boolean");
    return PgStatement{QStringLiteral("update %1 set %2 = %3 where %4 returning %5")
                           .arg(table, enabled, value, where, name),
                       p.values()};
}

} // namespace

PgStatement requiredColumnsQuery(const FlagsSpec &spec)
{
    const QString schema = spec.table.contains(QLatin1Char('.'))
                               ? spec.table.section(QLatin1Char('.'), 0, 0)
                               : QString();
    return {QStringLiteral("select column_name::text as name, data_type::text as type "
                           "from information_schema.columns where table_schema = "
                           "coalesce($1::text, current_schema()) and table_name = $2::text and "
                           "is_nullable = 'NO' and column_default is null and is_identity = 'NO' "
                           "and column_name not in ($3::text, $4::text) order by ordinal_position"),
            {schema.isEmpty() ? QVariant() : QVariant(schema),
             spec.table.section(QLatin1Char('.'), -1), spec.nameColumn, spec.enabledColumn}};
}

Result<QList<RequiredColumn>> parseRequiredColumns(const Result<PgResultSet> &result)
{
    if (!result)
        return Result<QList<RequiredColumn>>::failure(result.errorString());
    QList<RequiredColumn> columns;
    for (int row = 0; row < result->rowCount(); ++row)
        columns << RequiredColumn{result->value(row, QStringLiteral("name")).toString(),
                                  result->value(row, QStringLiteral("type")).toString()};
    return columns;
}

Result<PgStatement> sqlWrite(const FlagsSpec &spec, const FlagEdit &edit,
                             const QList<RequiredColumn> &required)
{
    if (spec.isTable()) {
        if (edit.subject().kind != FlagState::Kind::Flag)
            return Result<PgStatement>::failure(
                QStringLiteral("a plain flag table has flags only"));
        return tableWrite(spec, edit, required);
    }
    return waffleWrite(spec, edit);
}

} // namespace Opsdeck
