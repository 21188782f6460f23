// SPDX-License-Identifier: GPL-3.0-or-later
#include "lazylibrary.h"

#include <QtGlobal>

#include <dlfcn.h>

namespace Opsdeck {

void LazyLibrary::open() const
{
    // RTLD_LOCAL: the library's symbols stay out of the global scope, so they never stand in for
    // another library's; RTLD_NOW: a broken installation fails here, not in the middle of a
    // connection.
    m_handle = dlopen(m_soname, RTLD_NOW | RTLD_LOCAL);
    if (!m_handle)
        qFatal("opsdeck: cannot load %s: %s", m_soname, dlerror());
}

void *LazyLibrary::symbol(const char *name) const
{
    std::call_once(m_opened, [this] { open(); });
    void *address = dlsym(m_handle, name);
    if (!address)
        qFatal("opsdeck: %s has no function %s: %s", m_soname, name, dlerror());
    return address;
}

} // namespace Opsdeck
