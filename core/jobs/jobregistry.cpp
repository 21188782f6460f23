// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobregistry.h"

#include <algorithm>

namespace Opsdeck {

namespace {
JobRegistry *s_instance = nullptr;
}

JobRegistry::JobRegistry(QObject *parent)
    : QObject(parent)
{
    if (!s_instance) // a second one (a test's) lists nothing; the first stays the one
        s_instance = this;
}

JobRegistry::~JobRegistry()
{
    for (Record &record : m_records)
        if (record.job)
            record.job->disconnect(this);
    if (s_instance == this)
        s_instance = nullptr;
}

JobRegistry *JobRegistry::instance()
{
    return s_instance;
}

void JobRegistry::track(Job *job)
{
    if (job->thread() != thread())
        return; // the registry's signals would cross threads; such jobs are not shown
    if (count() >= kKeptRecords)
        dropOldestFinished();
    Record record;
    record.id = m_nextId++;
    record.title = job->title();
    record.environment = job->environment();
    record.command = job->command();
    record.started = QDateTime::currentDateTime();
    record.job = job;
    const quint64 id = record.id;
    emit recordAboutToBeAdded(count());
    m_records.push_back(std::move(record));
    emit recordAdded(count() - 1);
    emit runningCountChanged(runningCount());

    connect(job, &Job::lineReceived, this, [this, id](const QString &line) { addLine(id, line); });
    connect(job, &Job::finished, this, [this, id, job](const Result<QString> &result) {
        end(id, job->state(), result ? result.value() : result.errorString());
    });
    // An owner may delete a running job (its pane closed): it stops with it, and says so.
    connect(job, &QObject::destroyed, this,
            [this, id] { end(id, Job::State::Cancelled, tr("stopped: what ran it was closed")); });
}

void JobRegistry::addLine(quint64 id, const QString &line)
{
    Record *record = find(id);
    if (!record)
        return;
    record->lines << line;
    record->characters += line.size();
    while (record->characters > kKeptCharacters && record->lines.size() > 1) {
        record->characters -= record->lines.takeFirst().size();
        ++record->droppedLines;
    }
    emit lineAdded(id, line);
}

void JobRegistry::end(quint64 id, Job::State state, const QString &outcome)
{
    Record *record = find(id);
    if (!record || !record->isRunning())
        return;
    record->state = state;
    record->outcome = outcome;
    record->ended = QDateTime::currentDateTime();
    emit recordChanged(rowOf(id));
    emit runningCountChanged(runningCount());
}

void JobRegistry::dropOldestFinished()
{
    for (size_t row = 0; row < m_records.size(); ++row) {
        if (m_records[row].isRunning())
            continue;
        emit recordAboutToBeDropped(int(row));
        m_records.erase(m_records.begin() + qsizetype(row));
        emit recordDropped(int(row));
        return;
    }
}

int JobRegistry::rowOf(quint64 id) const
{
    // Records are appended with growing ids and only ever removed: the list stays sorted, and a
    // deploy's million lines each find their record in a few steps.
    const auto it = std::lower_bound(m_records.begin(), m_records.end(), id,
                                     [](const Record &r, quint64 wanted) { return r.id < wanted; });
    return it != m_records.end() && it->id == id ? int(it - m_records.begin()) : -1;
}

JobRegistry::Record *JobRegistry::find(quint64 id)
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_records[size_t(row)];
}

int JobRegistry::runningCount() const
{
    return int(std::count_if(m_records.begin(), m_records.end(),
                             [](const Record &r) { return r.isRunning(); }));
}

void JobRegistry::cancel(int row)
{
    if (row < 0 || row >= count())
        return;
    if (Job *job = at(row).job)
        job->cancel();
}

} // namespace Opsdeck
