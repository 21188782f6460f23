// SPDX-License-Identifier: GPL-3.0-or-later
#include "hoststatusmodel.h"

#include "common/formatting.h"

#include <QLocale>

namespace Opsdeck {

HostStatusModel::HostStatusModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void HostStatusModel::setProbe(EnvironmentProbe *probe)
{
    if (probe == m_probe)
        return;
    beginResetModel(); // only when switching environments, never on refresh
    if (m_probe)
        disconnect(m_probe, nullptr, this, nullptr);
    m_probe = probe;
    if (m_probe) {
        connect(m_probe, &EnvironmentProbe::hostChanged, this,
                [this](int row) { emit dataChanged(index(row, 0), index(row, ColumnCount - 1)); });
        connect(m_probe, &QObject::destroyed, this, [this] {
            beginResetModel();
            endResetModel();
        });
    }
    endResetModel();
}

int HostStatusModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_probe ? 0 : int(m_probe->hosts().size());
}

int HostStatusModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Health HostStatusModel::healthOf(const HostStatus &host)
{
    switch (host.state) {
    case HostStatus::State::Up:
        if (!host.metrics)
            return Health::Warning;
        if (host.metrics->diskPercent() >= 90)
            return Health::Warning;
        if (host.metrics->cpus > 0 && host.metrics->load5 > 2.0 * host.metrics->cpus)
            return Health::Warning;
        return Health::Good;
    case HostStatus::State::Down:
        return Health::Critical;
    case HostStatus::State::Checking:
        return Health::Checking;
    case HostStatus::State::Unknown:
        break;
    }
    return Health::Unknown;
}

QVariant HostStatusModel::display(const HostStatus &host, int column) const
{
    const std::optional<HostMetrics> &m = host.metrics;
    switch (column) {
    case Name:
        return host.name;
    case Status:
        return healthText(healthOf(host));
    case Address:
        return host.address;
    case Via:
        return host.via.isEmpty() ? QStringLiteral("direct") : host.via;
    case HostKey:
        return host.hostKey.fingerprint;
    case Uptime:
        return m ? formatDuration(m->uptimeSeconds) : QString();
    case Load:
        return m ? QStringLiteral("%1  %2  %3")
                       .arg(m->load1, 0, 'f', 2)
                       .arg(m->load5, 0, 'f', 2)
                       .arg(m->load15, 0, 'f', 2)
                 : QString();
    case Disk:
        return m && m->diskSizeKb > 0 ? QStringLiteral("%1% of %2")
                                            .arg(m->diskPercent())
                                            .arg(formatBytes(m->diskSizeKb * 1024))
                                      : QString();
    case Details:
        if (!host.error.isEmpty())
            return host.error;
        return host.checkedAt.isValid()
                   ? QStringLiteral("checked %1")
                         .arg(QLocale().toString(host.checkedAt.time(), QLocale::ShortFormat))
                   : QString();
    }
    return {};
}

QVariant HostStatusModel::toolTip(const HostStatus &host, int column) const
{
    if (column == HostKey && !host.hostKey.fingerprint.isEmpty())
        return QStringLiteral("%1 %2\nverified against %3")
            .arg(host.hostKey.keyType, host.hostKey.fingerprint, host.hostKey.knownHostsFile);
    if (column == Details && host.checkedAt.isValid())
        return host.error.isEmpty()
                   ? QStringLiteral("Last checked %1").arg(formatWhen(host.checkedAt))
                   : host.error;
    if (column == Load && host.metrics)
        return QStringLiteral("1, 5 and 15 minute load averages on %1 CPUs")
            .arg(host.metrics->cpus);
    if (column == Disk && host.metrics)
        return QStringLiteral("%1 free on %2")
            .arg(formatBytes(host.metrics->diskAvailableKb * 1024), host.metrics->diskMount);
    if (!host.error.isEmpty())
        return host.error;
    return {};
}

QVariant HostStatusModel::data(const QModelIndex &index, int role) const
{
    if (!m_probe || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const HostStatus &host = m_probe->hosts().at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(host, index.column());
    case Qt::ToolTipRole:
        return toolTip(host, index.column());
    case Qt::DecorationRole:
        return index.column() == Status ? QVariant(healthIcon(healthOf(host))) : QVariant();
    case Qt::ForegroundRole:
        return index.column() == Details && host.state == HostStatus::State::Down
                   ? QVariant(healthColor(Health::Critical))
                   : QVariant();
    case HealthRole:
        return int(healthOf(host));
    case SortRole:
        if (index.column() == Load && host.metrics)
            return host.metrics->load5;
        if (index.column() == Disk && host.metrics)
            return host.metrics->diskPercent();
        if (index.column() == Uptime && host.metrics)
            return host.metrics->uptimeSeconds;
        return display(host, index.column());
    }
    return {};
}

QVariant HostStatusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = {
        "Host",   "Status",      "Address", "Via",    "Host key (SHA256)",
        "Uptime", "Load 1/5/15", "Disk /",  "Details"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section])
                                                 : QVariant();
}

} // namespace Opsdeck
