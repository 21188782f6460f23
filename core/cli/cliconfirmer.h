// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"

#include <QTextStream>

namespace Opsdeck {

/**
 * The command line's Confirmer. A protected environment takes what the GUI's dialog takes:
 * `--yes` or its name typed at a terminal, and a comment (`-m`, or asked at a terminal).
 * Elsewhere the command itself is the confirmation. Answers at once.
 */
class CliConfirmer final : public Confirmer
{
public:
    /** `interactive`: stdin is a terminal the person can answer on. */
    CliConfirmer(QTextStream &err, bool yes, bool interactive);
    /** interactive = isatty(stdin). */
    CliConfirmer(QTextStream &err, bool yes);

    void confirm(const ActionRequest &request, ConfirmLevel level,
                 std::function<void(std::optional<QString>)> answer) override;

private:
    QString readLine();

    QTextStream &m_err;
    bool m_yes;
    bool m_interactive;
};

} // namespace Opsdeck
