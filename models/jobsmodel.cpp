// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobsmodel.h"

#include "common/formatting.h"
#include "jobs/jobregistry.h"
#include "statuscolors.h"

namespace Opsdeck {

QString JobsModel::stateText(Job::State state)
{
    switch (state) {
    case Job::State::NotStarted:
        return tr("waiting");
    case Job::State::Running:
        return tr("running");
    case Job::State::Succeeded:
        return tr("done");
    case Job::State::Failed:
        return tr("failed");
    case Job::State::Cancelled:
        return tr("cancelled");
    }
    return {};
}

namespace {

Health stateHealth(Job::State state)
{
    switch (state) {
    case Job::State::Running:
        return Health::Checking;
    case Job::State::Succeeded:
        return Health::Good;
    case Job::State::Failed:
        return Health::Critical;
    case Job::State::Cancelled:
        return Health::Warning;
    case Job::State::NotStarted:
        break;
    }
    return Health::Unknown;
}

} // namespace

JobsModel::JobsModel(JobRegistry *registry, QObject *parent)
    : QAbstractTableModel(parent)
    , m_registry(registry)
{
    connect(registry, &JobRegistry::recordAboutToBeAdded, this,
            [this](int row) { beginInsertRows({}, row, row); });
    connect(registry, &JobRegistry::recordAdded, this, [this] { endInsertRows(); });
    connect(registry, &JobRegistry::recordAboutToBeDropped, this,
            [this](int row) { beginRemoveRows({}, row, row); });
    connect(registry, &JobRegistry::recordDropped, this, [this] { endRemoveRows(); });
    connect(registry, &JobRegistry::recordChanged, this,
            [this](int row) { emit dataChanged(index(row, 0), index(row, ColumnCount - 1)); });
    connect(registry, &JobRegistry::runningCountChanged, this, [this](int running) {
        if (running > 0)
            m_tick.start();
        else
            m_tick.stop();
    });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &JobsModel::tickRunning);
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_registry->count();
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_registry->count())
        return {};
    const JobRegistry::Record &record = m_registry->at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(index.row(), index.column());
    case Qt::DecorationRole:
        return index.column() == State ? QVariant(healthIcon(stateHealth(record.state)))
                                       : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Title)
            return record.command; // what ran, as the user would type it
        if (index.column() == Outcome)
            return record.outcome;
        return {};
    default:
        return {};
    }
}

QVariant JobsModel::display(int row, int column) const
{
    const JobRegistry::Record &record = m_registry->at(row);
    switch (column) {
    case Title:
        return record.title;
    case Environment:
        return record.environment.isEmpty() ? tr("—") : record.environment;
    case State:
        return stateText(record.state);
    case Started:
        return record.started.toString(QStringLiteral("HH:mm:ss")); // today's jobs: the clock
    case Duration: {
        const QDateTime end = record.isRunning() ? QDateTime::currentDateTime() : record.ended;
        return formatAge(double(qMax<qint64>(0, record.started.msecsTo(end))) / 1000.0);
    }
    case Outcome:
        return record.isRunning() ? record.lines.value(record.lines.size() - 1)
                                  : record.outcome.section(u'\n', 0, 0);
    }
    return {};
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Title:
        return tr("Job");
    case Environment:
        return tr("Environment");
    case State:
        return tr("State");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Took");
    case Outcome:
        return tr("Result / last line");
    }
    return {};
}

void JobsModel::tickRunning()
{
    for (int row = 0; row < m_registry->count(); ++row)
        if (m_registry->at(row).isRunning())
            emit dataChanged(index(row, Duration), index(row, Outcome));
}

} // namespace Opsdeck
