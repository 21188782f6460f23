// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/environmentcontext.h"

#include <memory>

namespace Opsdeck {

/**
 * A pane built the way the main window builds one: from its environment's context. The
 * contexts (database sessions, flags backends) live as long as the pane and go after it.
 * Used like the unique_ptr tests held before: pane->…, *pane, pane.get(), if (!pane).
 */
template<typename PaneType>
class TestPane
{
public:
    TestPane() = default;
    TestPane(const Workspace &workspace, const QString &environment, SshPool *pool)
        : m_contexts(std::make_unique<EnvironmentContexts>(workspace, pool))
        , m_pane(std::make_unique<PaneType>(*m_contexts->context(environment)))
    {}
    TestPane(TestPane &&) noexcept = default;
    TestPane &operator=(TestPane &&other) noexcept
    {
        m_pane = std::move(other.m_pane); // the old pane goes before its contexts
        m_contexts = std::move(other.m_contexts);
        return *this;
    }
    ~TestPane() { m_pane.reset(); }

    PaneType *operator->() const { return m_pane.get(); }
    PaneType &operator*() const { return *m_pane; }
    PaneType *get() const { return m_pane.get(); }
    explicit operator bool() const { return m_pane != nullptr; }
    EnvironmentContexts &contexts() const { return *m_contexts; }
    void reset()
    {
        m_pane.reset();
        m_contexts.reset();
    }

private:
    std::unique_ptr<EnvironmentContexts> m_contexts;
    std::unique_ptr<PaneType> m_pane;
};

} // namespace Opsdeck
