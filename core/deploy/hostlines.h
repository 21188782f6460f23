// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
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

    /** A longer line is cut here and marked: a hostile or broken host cannot make one line
     * (a newline-free stream) take unbounded memory. */
    static constexpr qsizetype kMaxLineBytes = 64 * 1024;
    static QByteArray truncationMarker() { return QByteArrayLiteral(" … [line truncated]"); }

    explicit HostLineSplitter(LineHandler onLine)
        : m_onLine(std::move(onLine))
    {}

    /** Linear in the data: only the new bytes are scanned, whatever is pending. */
    void write(const QString &host, const QByteArray &data)
    {
        Pending &p = m_partial[host];
        qsizetype start = 0;
        for (qsizetype nl = data.indexOf('\n'); nl >= 0; nl = data.indexOf('\n', start)) {
            append(p, data, start, nl);
            QByteArray line = std::move(p.bytes);
            if (line.endsWith('\r'))
                line.chop(1);
            if (!p.skipping)
                m_onLine(host, lastCarriageReturnSegment(line));
            p = Pending();
            start = nl + 1;
        }
        append(p, data, start, data.size());
        if (!p.skipping && p.bytes.size() > kMaxLineBytes) {
            m_onLine(host,
                     lastCarriageReturnSegment(p.bytes.left(kMaxLineBytes)) + truncationMarker());
            p.bytes.clear();
            p.skipping = true; // the rest of this line is dropped, up to its newline
        }
    }

    /** Emits whatever is left without a newline (at the end of a job). */
    void flush()
    {
        for (auto it = m_partial.begin(); it != m_partial.end(); ++it)
            if (!it->skipping && !it->bytes.isEmpty())
                m_onLine(it.key(), lastCarriageReturnSegment(it->bytes));
        m_partial.clear();
    }

private:
    struct Pending
    {
        QByteArray bytes;
        bool skipping = false;
    };

    static void append(Pending &p, const QByteArray &data, qsizetype from, qsizetype to)
    {
        if (p.skipping || to <= from)
            return;
        if (p.bytes.endsWith('\r')) // a redraw, not the \r of a \r\n cut between chunks
            p.bytes.clear();
        // A progress bar redraws with \r: only its last state is shown, so only that is kept.
        // Searched within this line only (a search to the chunk's start would be quadratic).
        const qsizetype cr = QByteArrayView(data).sliced(from, to - from).lastIndexOf('\r');
        if (cr >= 0 && from + cr < to - 1) {
            p.bytes = data.mid(from + cr + 1, to - from - cr - 1);
            return;
        }
        p.bytes.append(data.constData() + from, to - from);
    }

    static QByteArray lastCarriageReturnSegment(const QByteArray &line)
    {
        const qsizetype cr = line.lastIndexOf('\r');
        return cr < 0 ? line : line.mid(cr + 1);
    }

    LineHandler m_onLine;
    QHash<QString, Pending> m_partial;
};

} // namespace Opsdeck
