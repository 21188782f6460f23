// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliconfirmer.h"

#include <cstdio>

#include <unistd.h>

namespace Opsdeck {

CliConfirmer::CliConfirmer(QTextStream &err, bool yes, bool interactive)
    : m_err(err)
    , m_yes(yes)
    , m_interactive(interactive)
{}

CliConfirmer::CliConfirmer(QTextStream &err, bool yes)
    : CliConfirmer(err, yes, ::isatty(STDIN_FILENO))
{}

QString CliConfirmer::readLine()
{
    m_err.flush();
    char line[1024] = {};
    if (!std::fgets(line, sizeof line, stdin))
        return {};
    return QString::fromUtf8(line).trimmed();
}

void CliConfirmer::confirm(const ActionRequest &request, ConfirmLevel level,
                           std::function<void(std::optional<QString>)> answer)
{
    const QString what = ruleFor(request.kind).label.toLower();
    QString comment = request.comment;
    if (level == ConfirmLevel::TypedNameAndComment) {
        const QString why = request.isProtected
                                ? request.environment + QStringLiteral(" is protected")
                                : QStringLiteral("%1 on %2 replaces data")
                                      .arg(ruleFor(request.kind).label, request.environment);
        if (!m_yes && !m_interactive) {
            m_err << why << ": pass --yes and -m COMMENT to " << what << " without a terminal\n";
            answer(std::nullopt);
            return;
        }
        if (!m_yes) {
            m_err << request.description << "\n";
            if (!request.changes.isEmpty())
                m_err << "What will change:\n" << request.changes << "\n";
            m_err << what << " on " << request.environment
                  << (request.isProtected ? " (protected)" : "")
                  << ". Type the environment's name to go on: ";
            if (readLine() != request.environment) {
                m_err << "not confirmed; nothing was done\n";
                answer(std::nullopt);
                return;
            }
        }
        if (comment.trimmed().isEmpty() && m_interactive) {
            m_err << "Why? (goes to the audit log): ";
            comment = readLine();
        }
        if (comment.trimmed().isEmpty()) {
            m_err << why << ": say why with -m COMMENT\n";
            answer(std::nullopt);
            return;
        }
        answer(comment);
        return;
    }
    // Unprotected: typing the command was the confirmation (as with kubectl, kamal, sops), so
    // scripts need no --yes there; the audit row is written all the same.
    answer(comment);
}

} // namespace Opsdeck
