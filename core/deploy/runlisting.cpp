// SPDX-License-Identifier: GPL-3.0-or-later
#include "runlisting.h"

#include "common/shellquote.h"

namespace Opsdeck {

RunDescription describeRun(DeployRunner::Kind kind, const QString &environment, const QString &what,
                           const QString &service)
{
    const QString env = shellQuote(environment);
    switch (kind) {
    case DeployRunner::Kind::Deploy:
        return {QStringLiteral("deploy %1").arg(what),
                QStringLiteral("opsdeck deploy %1 --ref %2").arg(env, shellQuote(what))};
    case DeployRunner::Kind::Rollback:
        if (what.isEmpty())
            return {QStringLiteral("rollback"), QStringLiteral("opsdeck rollback %1").arg(env)};
        return {QStringLiteral("rollback to %1").arg(what),
                QStringLiteral("opsdeck rollback %1 %2").arg(env, shellQuote(what))};
    case DeployRunner::Kind::Command:
        return {QStringLiteral("run: %1").arg(what.section(u'\n', 0, 0).left(80)),
                service.isEmpty()
                    ? QStringLiteral("opsdeck run %1 -- %2").arg(env, shellQuote(what))
                    : QStringLiteral("opsdeck run %1 --service %2 -- %3")
                          .arg(env, shellQuote(service), shellQuote(what))};
    }
    return {};
}

} // namespace Opsdeck
