// SPDX-License-Identifier: GPL-3.0-or-later
#include "guiprompter.h"

#include "hostkeydialog.h"

#include <QInputDialog>
#include <QLineEdit>

namespace Opsdeck {

namespace {
std::optional<HostKeyDecision> s_nextAnswer;
}

GuiPrompter::GuiPrompter(QWidget *dialogParent)
    : m_dialogParent(dialogParent)
{}

void GuiPrompter::setNextAnswer(std::optional<HostKeyDecision> decision)
{
    s_nextAnswer = decision;
}

void GuiPrompter::askHostKey(const HostKeyInfo &info, std::function<void(HostKeyDecision)> answer)
{
    m_questions.push_back({info, std::move(answer)});
    showNext();
}

void GuiPrompter::showNext()
{
    if (m_showing || m_questions.empty())
        return;
    Question question = std::move(m_questions.front());
    m_questions.pop_front();
    emit hostKeyQuestionShown(question.info.hostName);
    if (s_nextAnswer) {
        question.answer(*s_nextAnswer);
        showNext();
        return;
    }
    m_showing = true;
    auto *dialog = new HostKeyDialog(question.info, m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &HostKeyDialog::decided, this,
            [this, answer = question.answer](HostKeyDecision d) {
                answer(d);
                m_showing = false;
                showNext();
            });
    dialog->open();
}

void GuiPrompter::askSecret(const QString &prompt,
                            std::function<void(std::optional<QByteArray>)> answer)
{
    auto *dialog = new QInputDialog(m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("SSH authentication"));
    dialog->setLabelText(prompt);
    dialog->setTextEchoMode(QLineEdit::Password);
    // Exactly one answer, whichever way the dialog closes.
    auto answered = std::make_shared<bool>(false);
    connect(dialog, &QInputDialog::textValueSelected, this,
            [answer, answered](const QString &text) {
                *answered = true;
                answer(text.toUtf8());
            });
    connect(dialog, &QDialog::finished, this, [answer, answered](int) {
        if (!*answered)
            answer(std::nullopt);
    });
    dialog->open();
}

} // namespace Opsdeck
