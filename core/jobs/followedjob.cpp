// SPDX-License-Identifier: GPL-3.0-or-later
#include "followedjob.h"

namespace Opsdeck {

FollowedJob::FollowedJob(const QString &title, const QString &command,
                         std::function<void()> requestCancel, QObject *parent)
    : Job(title, command, parent)
    , m_requestCancel(std::move(requestCancel))
{
    setTimeout(std::chrono::milliseconds(0));
}

void FollowedJob::addOutput(const QString &source, const QByteArray &data)
{
    if (!isRunning())
        return;
    const QByteArray prefix = source.isEmpty() ? QByteArray() : source.toUtf8() + ": ";
    QByteArray &partial = m_partial[source];
    partial += data;
    const qsizetype end = partial.lastIndexOf('\n') + 1; // the whole lines
    // A flood (a million lines of `seq`) keeps only each piece's newest lines: the run's own log
    // has all of them, and this list is a summary that must not hold the window up.
    qsizetype start = end;
    int kept = 0;
    while (start > 0 && kept < kTailLines) {
        start = start >= 2 ? partial.lastIndexOf('\n', start - 2) + 1 : 0; // -1 searches all
        ++kept;
    }
    QByteArray lines;
    if (const qsizetype skipped = QByteArrayView(partial.constData(), start).count('\n'))
        lines += prefix + "… " + QByteArray::number(skipped) +
                 " lines not kept here (the run's own log has them)\n";
    // The kept lines go to the job in one piece, each with its source in front.
    for (qsizetype newline; (newline = partial.indexOf('\n', start)) >= 0 && newline < end;
         start = newline + 1) {
        lines += prefix;
        lines.append(partial.constData() + start, newline + 1 - start);
    }
    partial.remove(0, end);
    if (!lines.isEmpty())
        receive(lines);
    if (partial.size() > kMaxLineLength) { // a line without end: show what came
        receive(prefix + partial + '\n');
        partial.clear();
    }
}

void FollowedJob::end(State state, const QString &outcome)
{
    for (auto it = m_partial.cbegin(); it != m_partial.cend(); ++it)
        if (!it.value().isEmpty())
            receive((it.key().isEmpty() ? QByteArray() : it.key().toUtf8() + ": ") + it.value() +
                    '\n');
    m_partial.clear();
    completeAs(state, outcome);
}

void FollowedJob::abort()
{
    if (m_requestCancel)
        m_requestCancel();
}

} // namespace Opsdeck
