// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <deque>

namespace Opsdeck {

/**
 * What a stream has received and the parser has not read yet, as whole lines.
 *
 * A received buffer is kept as it is (shared, never copied or moved on the UI thread, where a
 * megabyte-sized memmove per buffer made the Logs pane stall): only the line begun in one buffer
 * and ended in the next is copied. take() hands out at most `maxBytes` at a time, cut at a line's
 * end, joining small buffers (a followed stream's) into one.
 */
class LineBuffer
{
public:
    /** Bytes [begin, end) of `bytes`: whole lines, each ending in '\n'. */
    struct Lines
    {
        QByteArray bytes;
        qsizetype begin = 0;
        qsizetype end = 0;
        qsizetype size() const { return end - begin; }
    };

    explicit LineBuffer(qsizetype maxLineBytes)
        : m_maxLineBytes(maxLineBytes)
    {}
    void add(const QByteArray &data);
    /** Ends the line not finished yet (the stream ended without a last newline). */
    void flush();
    /** Forgets the line not finished yet (a new connection starts afresh). */
    void dropPartial() { m_partial.clear(); }
    bool isEmpty() const { return m_lines.empty(); }
    Lines take(qsizetype maxBytes);

private:
    qsizetype m_maxLineBytes;
    QByteArray m_partial; // a line not finished yet, at most m_maxLineBytes
    std::deque<Lines> m_lines;
};

} // namespace Opsdeck
