// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/hostkey.h"

#include <QObject>
#include <QPointer>

#include <deque>
#include <optional>

class QWidget;

namespace Opsdeck {

/**
 * Asks SSH questions with dialogs opened with open() (never exec(): no nested event loop),
 * one at a time when several hosts ask at once. Tests queue answers with setNextAnswer(),
 * as KeePassXC's MessageBox::setNextAnswer does.
 */
class GuiPrompter final : public QObject, public SshPrompter
{
    Q_OBJECT

public:
    explicit GuiPrompter(QWidget *dialogParent);

    void askHostKey(const HostKeyInfo &info, std::function<void(HostKeyDecision)> answer) override;
    void askSecret(const QString &prompt,
                   std::function<void(std::optional<QByteArray>)> answer) override;

    static void setNextAnswer(std::optional<HostKeyDecision> decision);

signals:
    void hostKeyQuestionShown(const QString &hostName);

private:
    struct Question
    {
        HostKeyInfo info;
        std::function<void(HostKeyDecision)> answer;
    };
    void showNext();

    QPointer<QWidget> m_dialogParent;
    std::deque<Question> m_questions;
    bool m_showing = false;
};

} // namespace Opsdeck
