// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace Opsdeck {

/** What one overview check learned about a host. */
struct HostMetrics
{
    double load1 = 0, load5 = 0, load15 = 0;
    int cpus = 0;
    qint64 uptimeSeconds = 0;
    qint64 diskSizeKb = 0;
    qint64 diskUsedKb = 0;
    qint64 diskAvailableKb = 0;
    QString diskMount;

    int diskPercent() const { return diskSizeKb > 0 ? int(diskUsedKb * 100 / diskSizeKb) : 0; }
};

/** The remote command the overview runs: POSIX sh, Linux /proc, no root needed. */
QByteArray hostProbeCommand();

/** Parses hostProbeCommand()'s output; nullopt when it does not look like it. */
std::optional<HostMetrics> parseHostProbe(const QByteArray &output);

} // namespace Opsdeck
