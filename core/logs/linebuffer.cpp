// SPDX-License-Identifier: GPL-3.0-or-later
#include "linebuffer.h"

#include <QByteArrayView>

namespace Opsdeck {

void LineBuffer::add(const QByteArray &data)
{
    const qsizetype firstNewline = data.indexOf('\n');
    if (firstNewline < 0) {
        m_partial += data;
        if (m_partial.size() > m_maxLineBytes) // a newline-free stream cannot take unbounded memory
            m_partial.truncate(m_maxLineBytes);
        return;
    }
    qsizetype begin = 0;
    if (!m_partial.isEmpty()) {
        m_partial += QByteArrayView(data).first(firstNewline + 1);
        const qsizetype size = m_partial.size();
        m_lines.push_back({std::exchange(m_partial, {}), 0, size});
        begin = firstNewline + 1;
    }
    const qsizetype lastNewline = data.lastIndexOf('\n');
    if (lastNewline >= begin)
        m_lines.push_back({data, begin, lastNewline + 1});
    m_partial = QByteArrayView(data)
                    .sliced(lastNewline + 1)
                    .first(qMin(data.size() - lastNewline - 1, m_maxLineBytes))
                    .toByteArray();
}

void LineBuffer::flush()
{
    if (m_partial.isEmpty())
        return;
    QByteArray line = std::exchange(m_partial, {});
    line.append('\n');
    const qsizetype size = line.size();
    m_lines.push_back({std::move(line), 0, size});
}

LineBuffer::Lines LineBuffer::take(qsizetype maxBytes)
{
    Lines &front = m_lines.front();
    if (front.size() > maxBytes) {
        const qsizetype cut = front.bytes.lastIndexOf('\n', front.begin + maxBytes - 1);
        if (cut >= front.begin) {
            Lines chunk{front.bytes, front.begin, cut + 1};
            front.begin = cut + 1;
            return chunk;
        }
    }
    if (front.size() >= maxBytes / 8 || m_lines.size() == 1) {
        Lines chunk = std::move(front);
        m_lines.pop_front();
        return chunk;
    }
    QByteArray joined;
    while (!m_lines.empty() && joined.size() + m_lines.front().size() <= maxBytes) {
        const Lines &next = m_lines.front();
        joined += QByteArrayView(next.bytes).sliced(next.begin, next.size());
        m_lines.pop_front();
    }
    const qsizetype size = joined.size();
    return {std::move(joined), 0, size};
}

} // namespace Opsdeck
