// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"

#include <QPointer>
#include <QWidget>

namespace Opsdeck {

/** The GUI's Confirmer: one DangerConfirmDialog, opened (never exec'd) over `parent`. */
class DialogConfirmer final : public Confirmer
{
public:
    explicit DialogConfirmer(QWidget *parent)
        : m_parent(parent)
    {}
    void confirm(const ActionRequest &request, ConfirmLevel level,
                 std::function<void(std::optional<QString>)> answer) override;

private:
    QPointer<QWidget> m_parent;
};

} // namespace Opsdeck
