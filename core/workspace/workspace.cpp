// SPDX-License-Identifier: GPL-3.0-or-later
#include "workspace.h"

#include "diagnostic.h"

namespace Opsdeck {

QString Diagnostic::toString() const
{
    const QString kind = isError() ? QStringLiteral("error") : QStringLiteral("warning");
    if (line <= 0)
        return QStringLiteral("%1: %2: %3").arg(file, kind, message);
    return QStringLiteral("%1:%2:%3: %4: %5").arg(file).arg(line).arg(column).arg(kind, message);
}

const HostSpec *Workspace::host(const QString &hostName) const
{
    for (const HostSpec &h : hosts)
        if (h.name == hostName)
            return &h;
    return nullptr;
}

const EnvironmentSpec *Workspace::environment(const QString &envName) const
{
    for (const EnvironmentSpec &e : environments)
        if (e.name == envName)
            return &e;
    return nullptr;
}

QStringList Workspace::hostNames() const
{
    QStringList names;
    for (const HostSpec &h : hosts)
        names << h.name;
    return names;
}

QStringList Workspace::environmentNames() const
{
    QStringList names;
    for (const EnvironmentSpec &e : environments)
        names << e.name;
    return names;
}

} // namespace Opsdeck
