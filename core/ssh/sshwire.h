// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QtEndian>

namespace Opsdeck::SshWire {

/**
 * Reads RFC 4251 §5 data types from untrusted bytes: once a read runs past the end, ok() is
 * false and every later read returns zero or empty, so callers check once at the end.
 */
class Reader
{
public:
    explicit Reader(QByteArray data)
        : m_data(std::move(data))
    {}

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_position == m_data.size(); }
    qsizetype position() const { return m_position; }

    quint8 byte()
    {
        if (!take(1))
            return 0;
        return quint8(m_data.at(m_position - 1));
    }
    quint32 u32()
    {
        if (!take(4))
            return 0;
        return qFromBigEndian<quint32>(m_data.constData() + m_position - 4);
    }
    quint64 u64()
    {
        if (!take(8))
            return 0;
        return qFromBigEndian<quint64>(m_data.constData() + m_position - 8);
    }
    QByteArray string()
    {
        const quint32 length = u32();
        if (!m_ok || length > quint32(m_data.size() - m_position)) {
            m_ok = false;
            return {};
        }
        m_position += length;
        return m_data.mid(m_position - length, length);
    }
    /** An mpint's magnitude without the sign byte; negative numbers are refused. */
    QByteArray mpint()
    {
        QByteArray bytes = string();
        if (!bytes.isEmpty() && (bytes.at(0) & 0x80))
            m_ok = false;
        while (!bytes.isEmpty() && bytes.at(0) == 0)
            bytes.remove(0, 1);
        return bytes;
    }

private:
    bool take(qsizetype n)
    {
        if (!m_ok || m_data.size() - m_position < n) {
            m_ok = false;
            return false;
        }
        m_position += n;
        return true;
    }

    QByteArray m_data;
    qsizetype m_position = 0;
    bool m_ok = true;
};

inline QByteArray u32(quint32 value)
{
    QByteArray out(4, Qt::Uninitialized);
    qToBigEndian(value, out.data());
    return out;
}

inline QByteArray string(const QByteArray &bytes)
{
    return u32(quint32(bytes.size())) + bytes;
}

} // namespace Opsdeck::SshWire
