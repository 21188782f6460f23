// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <bit>
#include <mutex>
#include <utility>

namespace Opsdeck {

/**
 * A system library opened the first time one of its functions is called.
 *
 * libpq and libssh bring about twenty more libraries with them (gnutls, ldap, sasl, krb5…). A
 * command that never connects, such as `opsdeck flags --help` or `opsdeck check`, would spend
 * most of its start-up having the dynamic loader map and bind them, so core does not link them:
 * their calls go through libpq.h and libssh.h, whose functions open the library on first use.
 * A missing library is fatal, with its name: the package depends on both.
 */
class LazyLibrary
{
public:
    explicit constexpr LazyLibrary(const char *soname)
        : m_soname(soname)
    {}
    /** The address of `name` in the library, opening it the first time (thread-safe). */
    void *symbol(const char *name) const;

private:
    void open() const;
    const char *m_soname;
    mutable std::once_flag m_opened;
    mutable void *m_handle = nullptr;
};

} // namespace Opsdeck

/**
 * Declares `NAMESPACE::FUNCTION(args…)`, which calls the library's `::FUNCTION` (declared by the
 * library's own header, so its type is checked at every call) through `LIBRARY.symbol()`, looked
 * up once. Only `decltype(&::FUNCTION)` names the real function: nothing links against it.
 */
#define OPSDECK_LAZY_FUNCTION(LIBRARY, FUNCTION)                                                   \
    template<typename... Args>                                                                     \
    inline auto FUNCTION(Args &&...args)                                                           \
    {                                                                                              \
        using Function = decltype(&::FUNCTION);                                                    \
        static const Function function = std::bit_cast<Function>(LIBRARY.symbol(#FUNCTION));       \
        return function(std::forward<Args>(args)...);                                              \
    }
