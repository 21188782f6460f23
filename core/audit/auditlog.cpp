// SPDX-License-Identifier: GPL-3.0-or-later
#include "auditlog.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace Opsdeck {

QString AuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/opsdeck/audit.sqlite");
}

AuditLog::AuditLog(QString path)
    : m_path(path.isEmpty() ? defaultPath() : std::move(path))
    , m_connectionName(QStringLiteral("opsdeck-audit-") +
                       QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

AuditLog::~AuditLog()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString AuditLog::currentUser()
{
    QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    if (user.isEmpty()) // cron, systemd units and containers often have no $USER
        if (const passwd *entry = ::getpwuid(::getuid()))
            user = QString::fromLocal8Bit(entry->pw_name);
    if (user.isEmpty())
        user = QStringLiteral("unknown");
    return user + QLatin1Char('@') + QHostInfo::localHostName();
}

Status AuditLog::open() const
{
    if (QSqlDatabase::contains(m_connectionName) &&
        QSqlDatabase::database(m_connectionName).isOpen())
        return success();
    // Who did what to which server, with comments: the user's alone to read. The file is made
    // 0600 before SQLite opens it (its -wal and -shm files take the same mode).
    const QString directory = QFileInfo(m_path).absolutePath();
    if (!QFileInfo::exists(directory)) {
        QDir().mkpath(directory);
        QFile::setPermissions(directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    if (!QFileInfo::exists(m_path)) {
        const int fd =
            ::open(QFile::encodeName(m_path).constData(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    }
    QFile::setPermissions(m_path, QFile::ReadOwner | QFile::WriteOwner);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(m_path);
    if (!db.open())
        return Status::failure(
            QStringLiteral("cannot open the audit log %1: %2").arg(m_path, db.lastError().text()));
    QSqlQuery q(db);
    // WAL + synchronous=NORMAL: an append costs no fsync on the caller's (UI) thread, and a
    // committed entry survives an application crash (only an OS crash can lose the last ones).
    q.exec(QStringLiteral("pragma journal_mode=wal"));
    q.exec(QStringLiteral("pragma synchronous=normal"));
    if (!q.exec(QStringLiteral(
            "create table if not exists audit (id integer primary key, at text not null,"
            " user text, workspace text, environment text, action text not null, target text,"
            " before text, after text, comment text, outcome text)")))
        return Status::failure(QStringLiteral("cannot create the audit table: ") +
                               q.lastError().text());
    return success();
}

std::shared_ptr<AuditLog> AuditLog::shared()
{
    // Held by its users, not by a static: a static would close its SQLite connection after
    // QtSql's own statics are gone, at exit.
    static std::weak_ptr<AuditLog> current;
    std::shared_ptr<AuditLog> log = current.lock();
    if (!log) {
        log = std::make_shared<AuditLog>();
        current = log;
    }
    return log;
}

Status AuditLog::record(AuditEntry e)
{
    if (const Status opened = open(); !opened)
        return opened;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral(
        "insert into audit (at, user, workspace, environment, action, target, before, after,"
        " comment, outcome) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QString &v :
         {(e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc()).toString(Qt::ISODateWithMs),
          e.user.isEmpty() ? currentUser() : e.user, e.workspace, e.environment, e.action, e.target,
          e.before, e.after, e.comment, e.outcome})
        q.addBindValue(v);
    if (!q.exec())
        return Status::failure(QStringLiteral("cannot write the audit log: ") +
                               q.lastError().text());
    return success();
}

Result<qint64> AuditLog::begin(AuditEntry entry)
{
    entry.outcome = QStringLiteral("started");
    if (const Status written = record(std::move(entry)); !written)
        return written.error();
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    if (!q.exec(QStringLiteral("select last_insert_rowid()")) || !q.next())
        return Result<qint64>::failure(QStringLiteral("cannot read the audit row's id"));
    return q.value(0).toLongLong();
}

Status AuditLog::complete(qint64 id, const AuditEntry &finished)
{
    if (const Status opened = open(); !opened)
        return opened;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("update audit set outcome = ?, target = coalesce(?, target),"
                             " before = coalesce(?, before), after = coalesce(?, after)"
                             " where id = ?"));
    const auto orNull = [](const QString &v) {
        return v.isEmpty() ? QVariant() : QVariant(v);
    };
    q.addBindValue(finished.outcome);
    q.addBindValue(orNull(finished.target));
    q.addBindValue(orNull(finished.before));
    q.addBindValue(orNull(finished.after));
    q.addBindValue(id);
    if (!q.exec())
        return Status::failure(QStringLiteral("cannot complete the audit entry: ") +
                               q.lastError().text());
    return success();
}

QList<AuditEntry> AuditLog::recent(int limit, const QString &environment) const
{
    // A null QString binds as SQL NULL, and NULL = '' is not true: bind a real empty string.
    const QString env = environment.isEmpty() ? QStringLiteral("") : environment;
    return select(QStringLiteral("(? = '' or environment = ?)"), {env, env}, limit);
}

QList<AuditEntry> AuditLog::forTarget(const QString &workspace, const QString &target,
                                      int limit) const
{
    return select(QStringLiteral("workspace = ? and target = ?"), {workspace, target}, limit);
}

QList<AuditEntry> AuditLog::select(const QString &where, const QVariantList &binds, int limit) const
{
    QList<AuditEntry> entries;
    if (!open())
        return entries;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("select at, user, workspace, environment, action, target, before, "
                             "after, comment, outcome from audit where %1 order by id desc limit ?")
                  .arg(where));
    for (const QVariant &bind : binds)
        q.addBindValue(bind);
    q.addBindValue(limit);
    q.exec();
    while (q.next())
        entries << AuditEntry{QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs),
                              q.value(1).toString(),
                              q.value(2).toString(),
                              q.value(3).toString(),
                              q.value(4).toString(),
                              q.value(5).toString(),
                              q.value(6).toString(),
                              q.value(7).toString(),
                              q.value(8).toString(),
                              q.value(9).toString()};
    return entries;
}

} // namespace Opsdeck
