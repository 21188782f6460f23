// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "flagsbackend.h"

namespace Opsdeck {

class DatabaseSession;

/**
 * Flags in the environment's own database: django-waffle's tables or a plain flag table. One
 * query reads them all. waffle writes go through `manage.py` on the environment's first host
 * when `manage:` is set (Django flushes its cache), otherwise through one SQL statement.
 */
class SqlFlagsBackend final : public FlagsBackend
{
    Q_OBJECT

public:
    /** `database` (the environment's action session) must outlive the backend. */
    SqlFlagsBackend(FlagsSpec spec, const EnvironmentSpec &environment, SshPool *pool,
                    DatabaseSession *database, QObject *parent = nullptr);
    ~SqlFlagsBackend() override;

    int capabilities() const override;
    QString describe() const override;
    QString writeCaveat() const override;

protected:
    void startLoad(QObject *guard, Loaded done) override;
    void startApply(const FlagEdit &edit, QObject *guard, Written done) override;

private:
    void applyThroughManage(const FlagEdit &edit, QObject *guard, Written done);
    void applyThroughSql(const FlagEdit &edit, QObject *guard, Written done);
    void runStatement(const Result<PgStatement> &statement, QObject *guard, Written done);

    FlagsSpec m_spec;
    QString m_host; // where manage.py runs
    QString m_environment;
    SshPool *m_pool;
    DatabaseSession *m_database;
};

} // namespace Opsdeck
