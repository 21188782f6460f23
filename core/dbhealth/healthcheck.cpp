// SPDX-License-Identifier: GPL-3.0-or-later
#include "healthcheck.h"

#include "common/formatting.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

// Q_INIT_RESOURCE declares a function in the current namespace, so it must be called from the
// global one; core is a static library, and this makes sure the compiled-in SQL is linked in.
static void initHealthSqlResources()
{
    Q_INIT_RESOURCE(health_sql);
}

namespace Opsdeck {

namespace {

Error errorAt(const QString &file, int line, const QString &message)
{
    return Error{message, file, line, 1, {}};
}

} // namespace

QString expandByteSizes(const QString &detail)
{
    static const QRegularExpression token(QStringLiteral("\\{bytes:(-?\\d+)\\}"));
    QString text = detail;
    for (QRegularExpressionMatch m = token.match(text); m.hasMatch(); m = token.match(text))
        text.replace(m.capturedStart(), m.capturedLength(),
                     formatBytes(m.captured(1).toLongLong()));
    return text;
}

Result<CheckDefinition> parseCheck(const QString &text, const QString &fileName)
{
    static const QRegularExpression header(QStringLiteral("^--\\s*([\\w-]+):\\s*(.*)$"));
    static const QRegularExpression threshold(
        QStringLiteral("^(\\w+)\\s*=\\s*(\\S+)\\s*(?:\\|\\s*(.*))?$"));
    static const QRegularExpression versions(QStringLiteral("^(\\d+)\\s*-\\s*(\\d+)$"));
    CheckDefinition check;
    const QStringList lines = text.split(QLatin1Char('\n'));
    int line = 0;
    for (; line < lines.size(); ++line) {
        const QRegularExpressionMatch m = header.match(lines[line].trimmed());
        if (!m.hasMatch())
            break;
        const QString key = m.captured(1);
        const QString value = m.captured(2).trimmed();
        if (key == QLatin1String("name")) {
            check.name = value;
        } else if (key == QLatin1String("title")) {
            check.title = value;
        } else if (key == QLatin1String("explain")) {
            check.explanation = value;
        } else if (key == QLatin1String("on-demand")) {
            check.onDemand = value == QLatin1String("yes");
        } else if (key == QLatin1String("fix")) {
            if (value != QLatin1String("sql") && value != QLatin1String("advice"))
                return errorAt(fileName, line + 1, QStringLiteral("fix must be 'sql' or 'advice'"));
            check.fixIsAdvice = value == QLatin1String("advice");
        } else if (key == QLatin1String("roles")) {
            const QStringList roles = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
            check.onPrimary = check.onStandby = false;
            for (const QString &role : roles) {
                if (role.trimmed() == QLatin1String("primary"))
                    check.onPrimary = true;
                else if (role.trimmed() == QLatin1String("standby"))
                    check.onStandby = true;
                else
                    return errorAt(fileName, line + 1,
                                   QStringLiteral("roles must list primary and/or standby"));
            }
            if (roles.isEmpty())
                return errorAt(fileName, line + 1,
                               QStringLiteral("roles must list primary and/or standby"));
        } else if (key == QLatin1String("scope")) {
            check.scope = value;
        } else if (key == QLatin1String("requires")) {
            check.requiresExtension = value;
        } else if (key == QLatin1String("threshold")) {
            const QRegularExpressionMatch t = threshold.match(value);
            if (!t.hasMatch())
                return errorAt(fileName, line + 1,
                               QStringLiteral("threshold must read 'name = value | meaning'"));
            bool isNumber = false;
            const double number = t.captured(2).toDouble(&isNumber);
            check.thresholds << CheckThreshold{
                t.captured(1), isNumber ? QVariant(number) : QVariant(t.captured(2)),
                t.captured(3)};
        } else if (key == QLatin1String("versions")) {
            const QRegularExpressionMatch v = versions.match(value);
            if (!v.hasMatch())
                return errorAt(fileName, line + 1,
                               QStringLiteral("versions must read 'MIN-MAX', e.g. 12-17"));
            check.minMajorVersion = v.captured(1).toInt();
            check.maxMajorVersion = v.captured(2).toInt();
        } else {
            return errorAt(fileName, line + 1, QStringLiteral("unknown header key '%1'").arg(key));
        }
    }
    check.sql = lines.mid(line).join(QLatin1Char('\n')).trimmed();
    if (check.name.isEmpty() || check.title.isEmpty())
        return errorAt(fileName, 1,
                       QStringLiteral("a check needs '-- name:' and '-- title:' lines"));
    if (check.sql.isEmpty())
        return errorAt(fileName, line + 1, QStringLiteral("no SQL after the header"));
    for (int n = int(check.thresholds.size()) + 1; n <= 9; ++n)
        if (check.sql.contains(QStringLiteral("$%1").arg(n)))
            return errorAt(fileName, line + 1,
                           QStringLiteral("$%1 is used but only %2 thresholds are declared")
                               .arg(n)
                               .arg(check.thresholds.size()));
    return check;
}

const QList<CheckDefinition> &builtinChecks()
{
    static const QList<CheckDefinition> checks = [] {
        initHealthSqlResources();
        QList<CheckDefinition> list;
        const QDir dir(QStringLiteral(":/sql/health"));
        for (const QString &name :
             dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
            QFile file(dir.filePath(name));
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const Result<CheckDefinition> check =
                parseCheck(QString::fromUtf8(file.readAll()), name);
            if (check)
                list << *check;
            else
                qWarning("opsdeck: built-in check %s: %s", qPrintable(name),
                         qPrintable(check.errorString()));
        }
        return list;
    }();
    return checks;
}

} // namespace Opsdeck
