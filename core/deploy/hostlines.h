// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <functional>

namespace Opsdeck {

/**
 * Turns per-host output chunks (cut wherever the SSH channel cut them) into whole lines, one
 * host at a time, so interleaved hosts never split each other's lines. Carriage-return progress
 * bars end a line too, the way a terminal shows only their last state.
 */
class HostLineSplitter final
{
public:
    using LineHandler = std::function<void(const QString &host, const QByteArray &line)>;

    explicit HostLineSplitter(LineHandler onLine)
        : m_onLine(std::move(onLine))
    {}

    void write(const QString &host, const QByteArray &data)
    {
        QByteArray &pending = m_partial[host];
        pending += data;
        qsizetype start = 0;
        for (qsizetype nl = pending.indexOf('\n', start); nl >= 0;
             nl = pending.indexOf('\n', start)) {
            qsizetype end = nl;
            if (end > start && pending.at(end - 1) == '\r')
                --end;
            m_onLine(host, lastCarriageReturnSegment(pending.mid(start, end - start)));
            start = nl + 1;
        }
        pending.remove(0, start);
    }

    /** Emits whatever is left without a newline (at the end of a job). */
    void flush()
    {
        for (auto it = m_partial.begin(); it != m_partial.end(); ++it)
            if (!it.value().isEmpty())
                m_onLine(it.key(), lastCarriageReturnSegment(it.value()));
        m_partial.clear();
    }

private:
    static QByteArray lastCarriageReturnSegment(const QByteArray &line)
    {
        const qsizetype cr = line.lastIndexOf('\r');
        return cr < 0 ? line : line.mid(cr + 1);
    }

    LineHandler m_onLine;
    QHash<QString, QByteArray> m_partial;
};

} // namespace Opsdeck
