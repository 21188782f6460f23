// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostprobe.h"

#include <QList>
#include <QLocale>

namespace Opsdeck {

QByteArray hostProbeCommand()
{
    // One round trip, fixed markers so the parser never guesses which line is which.
    return "echo @load; cat /proc/loadavg; echo @uptime; cat /proc/uptime; echo @cpus; "
           "nproc 2>/dev/null || getconf _NPROCESSORS_ONLN; echo @df; df -Pk / | tail -n 1";
}

std::optional<HostMetrics> parseHostProbe(const QByteArray &output)
{
    HostMetrics m;
    QByteArray section;
    bool sawLoad = false;
    for (const QByteArray &raw : output.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.startsWith('@')) {
            section = line.mid(1);
            continue;
        }
        if (line.isEmpty())
            continue;
        const QList<QByteArray> f = line.simplified().split(' ');
        if (section == "load" && f.size() >= 3) {
            m.load1 = f[0].toDouble();
            m.load5 = f[1].toDouble();
            m.load15 = f[2].toDouble();
            sawLoad = true;
        } else if (section == "uptime" && !f.isEmpty()) {
            m.uptimeSeconds = qint64(f[0].toDouble());
        } else if (section == "cpus") {
            m.cpus = f[0].toInt();
        } else if (section == "df" && f.size() >= 6) {
            m.diskSizeKb = f[1].toLongLong();
            m.diskUsedKb = f[2].toLongLong();
            m.diskAvailableKb = f[3].toLongLong();
            m.diskMount = QString::fromUtf8(f[5]);
        }
    }
    if (!sawLoad)
        return std::nullopt;
    return m;
}

} // namespace Opsdeck
