// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

#include <functional>
#include <optional>

class QLineEdit;
class QPushButton;

namespace Opsdeck {

/**
 * Confirmation for a dangerous action (terminate a backend, drop a slot, a production deploy).
 * In a protected environment the user must type the environment's name; an optional comment
 * goes to the audit log. Opened with open(), never exec(). Tests queue the answer.
 */
class DangerConfirmDialog final : public QDialog
{
    Q_OBJECT

public:
    using Answer = std::function<void(bool confirmed, const QString &comment)>;

    /** Asks; `answer` is called exactly once. */
    /** `changes` (may be empty) is shown under "What will change", as plain monospace text;
     * `comment` is the reason given already (a silence's), there to keep or change. */
    static void ask(QWidget *parent, const QString &actionLabel, const QString &description,
                    const QString &changes, const QString &environment, bool isProtected,
                    Answer answer, const QString &comment = {});

    /** For tests: answer the next questions without showing anything. */
    static void setNextAnswer(std::optional<bool> confirmed);
    static int questionsAsked();
    /** For tests: what the last question named and whether it wanted the typed name. */
    struct Question
    {
        QString environment;
        bool isProtected = false;
        QString description;
        QString changes;
    };
    static Question lastQuestion();

    DangerConfirmDialog(const QString &actionLabel, const QString &description,
                        const QString &changes, const QString &environment, bool isProtected,
                        QWidget *parent = nullptr);
    QString comment() const;

private:
    QLineEdit *m_typed = nullptr;
    QLineEdit *m_comment;
    QPushButton *m_confirm;
};

} // namespace Opsdeck
