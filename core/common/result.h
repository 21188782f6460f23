// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Opsdeck {

/** A user-readable failure. Positions are set when the error points into a file. */
struct Error
{
    QString message;
    QString file;
    int line = 0;   // 1-based; 0 when there is no position
    int column = 0; // 1-based
    QString code;   // machine-readable detail, e.g. a SQLSTATE; never shown alone

    QString toString() const
    {
        if (file.isEmpty())
            return message;
        if (line <= 0)
            return file + QStringLiteral(": ") + message;
        return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message);
    }
};

/**
 * Value or error; core never throws across threads or signals (Qt Creator's Utils::Result,
 * qBittorrent's nonstd::expected). std::expected is C++23, which bookworm's GCC 12 lacks in C++20
 * mode.
 */
template<typename T>
class [[nodiscard]] Result
{
public:
    /** An unset result (QFuture needs default-constructible values). */
    Result()
        : m_data(std::in_place_index<1>, Error{QStringLiteral("no result")})
    {}
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {}
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {}

    static Result failure(const QString &message, const QString &code = {})
    {
        return Result(Error{message, {}, 0, 0, code});
    }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T *operator->() const { return &std::get<0>(m_data); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_data); }
    QString errorString() const { return ok() ? QString() : error().toString(); }

private:
    std::variant<T, Error> m_data;
};

struct Ok
{
};

/** Result without a value. */
using Status = Result<Ok>;

inline Status success()
{
    return Ok{};
}

/** The outcome of a result without its value. */
template<typename T>
Status statusOf(const Result<T> &result)
{
    return result ? success() : Status(result.error());
}

} // namespace Opsdeck
