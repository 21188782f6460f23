// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogconfirmer.h"

#include "dangerconfirmdialog.h"

namespace Opsdeck {

void DialogConfirmer::confirm(const ActionRequest &request, ConfirmLevel level,
                              std::function<void(std::optional<QString>)> answer)
{
    if (!m_parent) { // the pane went away while the request was on its way
        answer(std::nullopt);
        return;
    }
    DangerConfirmDialog::ask(
        m_parent, ruleFor(request.kind).label, request.description, request.changes,
        request.environment, level == ConfirmLevel::TypedNameAndComment,
        [answer](bool confirmed, const QString &comment) {
            answer(confirmed ? std::optional(comment) : std::nullopt);
        },
        request.comment);
}

} // namespace Opsdeck
