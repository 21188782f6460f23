// SPDX-License-Identifier: GPL-3.0-or-later
#include "loghistory.h"

#include "common/futures.h"
#include "logspill.h"

#include <QtConcurrent>

#include <memory>

namespace Opsdeck {

namespace {

bool earlier(const LogEntry &a, const LogEntry &b)
{
    return a.timeMs < b.timeMs;
}

QList<LogEntry> flattened(const QList<QList<LogEntry>> &batches)
{
    qsizetype total = 0;
    for (const QList<LogEntry> &b : batches)
        total += b.size();
    QList<LogEntry> all;
    all.reserve(total);
    for (const QList<LogEntry> &b : batches)
        all += b;
    return all;
}

QList<QList<LogEntry>> sortedSlices(const QList<QList<LogEntry>> &batches, int sliceSize)
{
    QList<LogEntry> entries = flattened(batches);
    std::stable_sort(entries.begin(), entries.end(), earlier);
    QList<QList<LogEntry>> slices;
    for (qsizetype at = 0; at < entries.size(); at += sliceSize)
        slices.append(entries.mid(at, sliceSize));
    return slices;
}

} // namespace

LogHistory::LogHistory(qsizetype capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(qMax<qsizetype>(1, capacity))
{}

void LogHistory::add(const QList<LogEntry> &entries)
{
    m_batches.append(entries); // shared with the stream's batch: nothing copied here
    m_count += entries.size();
    if (m_count > 2 * m_capacity && !m_trimming)
        trim();
}

void LogHistory::trim()
{
    m_trimming = true;
    const QList<QList<LogEntry>> batches = std::exchange(m_batches, {});
    m_count = 0;
    // The pool fills a list only it holds, so nothing is copied when it comes back.
    auto kept = std::make_shared<QList<LogEntry>>();
    const qsizetype keep = m_capacity;
    onFinished(QtConcurrent::run([batches, kept, keep, spill = m_spill] {
                   *kept = flattened(batches);
                   const auto firstKept = kept->end() - keep;
                   std::nth_element(kept->begin(), firstKept, kept->end(), earlier);
                   const qint64 dropped = firstKept - kept->begin();
                   if (spill) { // in time order, as the table's oldest lines follow them
                       std::stable_sort(kept->begin(), firstKept, earlier);
                       spill->appendEncoded(
                           LogSpill::encode(QList<LogEntry>(kept->begin(), firstKept)),
                           firstKept - kept->begin());
                   }
                   kept->erase(kept->begin(), firstKept);
                   return dropped;
               }),
               this, [this, kept](qint64 dropped) {
                   m_trimming = false;
                   m_dropped += dropped;
                   m_count += kept->size();
                   m_batches.prepend(std::move(*kept));
                   if (m_sliceSize > 0) // finished while this ran
                       sort();
               });
}

void LogHistory::finish(int sliceSize)
{
    m_sliceSize = qMax(1, sliceSize);
    if (!m_trimming)
        sort();
}

void LogHistory::sort()
{
    m_count = 0;
    onFinished(QtConcurrent::run(sortedSlices, std::exchange(m_batches, {}), m_sliceSize), this,
               [this](const QList<QList<LogEntry>> &slices) { emit sorted(slices); });
}

} // namespace Opsdeck
