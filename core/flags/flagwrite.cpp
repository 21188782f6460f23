// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagwrite.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

Status FlagChange::validate() const
{
    if (name.isEmpty())
        return Status::failure(QStringLiteral("which flag?"));
    if (op != Op::Percent)
        return success();
    if (percent >= 100 && percent <= 100)
        return Status::failure(QStringLiteral("100 % is on for everyone: use `flags on` (waffle "
                                              "keeps percent between 0.0 and 99.9)"));
    if (!(percent >= 0 && percent < 99.95))
        return Status::failure(QStringLiteral("percent must be between 0.0 and 99.9 (waffle's "
                                              "numeric(3,1)), not %1")
                                   .arg(percent));
    return success();
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

QString manageCommand(const QString &manage, const FlagChange &change,
                      const QDateTime &readModified)
{
    // Arguments travel as base64 JSON: no quoting of names or values in Python or the shell.
    const QJsonObject args{
        {QStringLiteral("name"), change.name},
        {QStringLiteral("op"), change.op == FlagChange::Op::On    ? QStringLiteral("on")
                               : change.op == FlagChange::Op::Off ? QStringLiteral("off")
                                                                  : QStringLiteral("percent")},
        {QStringLiteral("percent"), qRound(change.percent * 10) / 10.0},
        {QStringLiteral("modified_ms"), double(readModified.toMSecsSinceEpoch())}};
    const QByteArray encoded = QJsonDocument(args).toJson(QJsonDocument::Compact).toBase64();
    const QString python =
        QStringLiteral("import base64, json, math, sys; from waffle.models import Flag; "
                       "a = json.loads(base64.b64decode(\"%1\")); "
                       "f = Flag.objects.filter(name=a[\"name\"]).first(); "
                       "sys.exit(4) if f is None else None; "
                       "sys.exit(3) if math.floor(f.modified.timestamp() * 1000) != "
                       "a[\"modified_ms\"] else None; "
                       "f.everyone = True if a[\"op\"] == \"on\" else False if a[\"op\"] == "
                       "\"off\" else None; "
                       "f.percent = a[\"percent\"] if a[\"op\"] == \"percent\" else f.percent; "
                       "f.save(); print(\"saved\")")
            .arg(QString::fromLatin1(encoded));
    return manage + QStringLiteral(" shell -c '") + python + QLatin1Char('\'');
}

PgStatement sqlUpdate(const FlagChange &change, const QDateTime &readModified)
{
    const QVariant everyone = change.op == FlagChange::Op::On    ? QVariant(QStringLiteral("t"))
                              : change.op == FlagChange::Op::Off ? QVariant(QStringLiteral("f"))
                                                                 : QVariant();
    const QVariant percent =
        change.op == FlagChange::Op::Percent
            ? QVariant(QString::number(qRound(change.percent * 10) / 10.0, 'f', 1))
            : QVariant();
    return {QStringLiteral("update waffle_flag set everyone = $1::boolean, "
                           "percent = coalesce($2::numeric, percent), modified = now() "
                           "where name = $3 and floor(extract(epoch from modified) * 1000) = "
                           "$4::float8 returning id"),
            {everyone, percent, change.name, QString::number(readModified.toMSecsSinceEpoch())}};
}

} // namespace Opsdeck
