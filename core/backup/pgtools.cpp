// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgtools.h"

#include "pg/libpq.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Opsdeck {

int parsePgVersion(const QString &text)
{
    // The first number that looks like a version: "15.10", "9.6.24", "16beta1", "17devel".
    static const QRegularExpression version(
        QStringLiteral(R"((?:^|[\s(])(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:beta|rc|devel|alpha|\b))"));
    const QRegularExpressionMatch m = version.match(text);
    if (!m.hasMatch())
        return 0;
    const int major = m.captured(1).toInt();
    const int second = m.captured(2).toInt();
    if (major >= 10)
        return major * 10000 + second;
    return major * 10000 + second * 100 + m.captured(3).toInt(); // 9.6.24 → 90624
}

QString pgVersionText(int versionNumber)
{
    const int major = versionNumber / 10000;
    if (major >= 10)
        return QStringLiteral("%1.%2").arg(major).arg(versionNumber % 10000);
    return QStringLiteral("%1.%2.%3")
        .arg(major)
        .arg(versionNumber / 100 % 100)
        .arg(versionNumber % 100);
}

Status checkDumpToolVersion(const QString &tool, int toolVersion, int serverVersion)
{
    if (toolVersion <= 0)
        return Status::failure(QStringLiteral("cannot tell %1's version").arg(tool));
    if (serverVersion <= 0)
        return Status::failure(QStringLiteral("cannot tell the server's version"));
    if (toolVersion / 10000 < serverVersion / 10000)
        return Status::failure(
            QStringLiteral("%1 %2 is older than the server (PostgreSQL %3) and cannot dump it "
                           "faithfully; install postgresql-client-%4 (or newer)")
                .arg(tool, pgVersionText(toolVersion), pgVersionText(serverVersion))
                .arg(serverVersion / 10000));
    return success();
}

QString findPgTool(const QString &name, int serverVersion)
{
    const int wanted = serverVersion / 10000;
    int best = 0;
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool isNumber = false;
        const int major = entry.toInt(&isNumber);
        if (isNumber && major >= wanted && major > best &&
            QFileInfo(root.filePath(entry + QStringLiteral("/bin/") + name)).isExecutable())
            best = major;
    }
    if (best > 0)
        return root.filePath(QString::number(best) + QStringLiteral("/bin/") + name);
    return QStandardPaths::findExecutable(name);
}

Result<ToolConnection> toolConnection(const QString &conninfo, quint16 tunnelPort,
                                      const QString &database, const QString &applicationName)
{
    char *error = nullptr;
    PQconninfoOption *parsed = libpq::PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!parsed) {
        const QString why =
            error ? QString::fromUtf8(error).trimmed() : QStringLiteral("invalid conninfo");
        libpq::PQfreemem(error);
        return Result<ToolConnection>::failure(why);
    }
    // keyword=value pairs, values in single quotes with \ and ' escaped (libpq's own syntax).
    auto quoted = [](QString value) -> QString {
        value.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        value.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        return QLatin1Char('\'') + value + QLatin1Char('\'');
    };
    ToolConnection tool;
    QStringList pairs;
    bool hasHost = false;
    for (PQconninfoOption *o = parsed; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromLatin1(o->keyword);
        const QString value = QString::fromUtf8(o->val);
        if (key == QLatin1String("password")) {
            tool.password = value.toUtf8();
            continue;
        }
        if ((tunnelPort && (key == QLatin1String("hostaddr") || key == QLatin1String("port"))) ||
            (!database.isEmpty() && key == QLatin1String("dbname")) ||
            key == QLatin1String("application_name"))
            continue;
        hasHost = hasHost || key == QLatin1String("host");
        pairs << key + QLatin1Char('=') + quoted(value);
    }
    libpq::PQconninfoFree(parsed);
    if (tunnelPort) {
        pairs << QStringLiteral("hostaddr=127.0.0.1") << QStringLiteral("port=%1").arg(tunnelPort);
        if (!hasHost)
            pairs << QStringLiteral("host=localhost");
    }
    if (!database.isEmpty())
        pairs << QStringLiteral("dbname=") + quoted(database);
    pairs << QStringLiteral("application_name=") + quoted(applicationName);
    tool.conninfo = pairs.join(QLatin1Char(' '));
    return tool;
}

Status checkNewDatabaseName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (!valid.match(name).hasMatch())
        return Status::failure(
            QStringLiteral("'%1' is not a database name Opsdeck creates (letters, digits and _, "
                           "not starting with a digit)")
                .arg(name));
    if (name.toUtf8().size() > 63)
        return Status::failure(
            QStringLiteral("'%1' is longer than PostgreSQL's 63 bytes").arg(name));
    return success();
}

QStringList parseTextArray(const QVariant &value)
{
    if (value.userType() == QMetaType::QStringList)
        return value.toStringList();
    QString text = value.toString();
    if (text.size() < 2)
        return {};
    text = text.mid(1, text.size() - 2);
    QStringList items;
    QString item;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (c == QLatin1Char('\\') && i + 1 < text.size()) {
            item += text.at(++i);
        } else if (c == QLatin1Char(',') && !quoted) {
            items << item;
            item.clear();
        } else {
            item += c;
        }
    }
    if (!item.isEmpty())
        items << item;
    return items;
}

} // namespace Opsdeck
