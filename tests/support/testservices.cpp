// SPDX-License-Identifier: GPL-3.0-or-later
#include "testservices.h"

#include <QFile>

QString TestServices::stateDir(const QString &service)
{
    return qEnvironmentVariable("OPSDECK_TEST_STATE") + QLatin1Char('/') + service;
}

QHash<QString, QString> TestServices::load(const QString &service)
{
    QHash<QString, QString> values;
    QFile file(stateDir(service) + QStringLiteral("/env"));
    if (!file.open(QIODevice::ReadOnly))
        return values;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return values;
}

QString TestServices::pgConninfo(const QString &database, const QString &user)
{
    const QHash<QString, QString> pg = load(QStringLiteral("postgres"));
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4")
        .arg(pg.value(QStringLiteral("PGHOST")), pg.value(QStringLiteral("PGPORT")), database, user);
}

QString TestServices::dataDir()
{
    return qEnvironmentVariable("OPSDECK_TEST_DATA");
}
