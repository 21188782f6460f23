// SPDX-License-Identifier: GPL-3.0-or-later
#include "dangerconfirmdialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
std::optional<bool> s_nextAnswer;
int s_questions = 0;
DangerConfirmDialog::Question s_lastQuestion;
} // namespace

void DangerConfirmDialog::setNextAnswer(std::optional<bool> confirmed)
{
    s_nextAnswer = confirmed;
}

int DangerConfirmDialog::questionsAsked()
{
    return s_questions;
}

DangerConfirmDialog::Question DangerConfirmDialog::lastQuestion()
{
    return s_lastQuestion;
}

void DangerConfirmDialog::ask(QWidget *parent, const QString &actionLabel,
                              const QString &description, const QString &changes,
                              const QString &environment, bool isProtected, Answer answer,
                              const QString &comment)
{
    ++s_questions;
    s_lastQuestion = {environment, isProtected, description, changes};
    if (s_nextAnswer) {
        answer(*s_nextAnswer, comment.isEmpty() ? QStringLiteral("(test)") : comment);
        return;
    }
    auto *dialog = new DangerConfirmDialog(actionLabel, description, changes, environment,
                                           isProtected, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->m_comment->setText(comment);
    QObject::connect(dialog, &QDialog::finished, dialog, [dialog, answer](int result) {
        answer(result == QDialog::Accepted, dialog->comment());
    });
    dialog->open();
}

DangerConfirmDialog::DangerConfirmDialog(const QString &actionLabel, const QString &description,
                                         const QString &changes, const QString &environment,
                                         bool isProtected, QWidget *parent)
    : QDialog(parent)
    , m_comment(new QLineEdit(this))
{
    setWindowTitle(QStringLiteral("%1 — %2").arg(actionLabel, environment));
    setMinimumWidth(520);
    auto *layout = new QVBoxLayout(this);
    // Descriptions carry what servers and files said (application_name, query text, slot and ref
    // names, lock comments): never let Qt guess they are rich text.
    auto *text = new QLabel(description, this);
    text->setTextFormat(Qt::PlainText);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(text);
    if (!changes.isEmpty()) {
        // What the action changes, before the person decides: commits and migrations, a masked
        // key diff, the query a terminate ends. Plain text, scrollable, never editable.
        layout->addWidget(new QLabel(QStringLiteral("<b>What will change</b>"), this));
        auto *view = new QPlainTextEdit(changes, this);
        view->setObjectName(QStringLiteral("whatWillChange"));
        view->setReadOnly(true);
        view->setLineWrapMode(QPlainTextEdit::NoWrap);
        view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        view->setFocusPolicy(Qt::ClickFocus); // Tab goes from the name to the comment
        const int lines = std::min<int>(changes.count(QLatin1Char('\n')) + 1, 14);
        view->setFixedHeight(view->fontMetrics().lineSpacing() * lines + 16);
        layout->addWidget(view);
    }
    auto *form = new QFormLayout;
    if (isProtected) {
        m_typed = new QLineEdit(this);
        m_typed->setObjectName(QStringLiteral("typedEnvironment"));
        m_typed->setPlaceholderText(environment);
        form->addRow(QStringLiteral("Type <b>%1</b> to confirm:").arg(environment.toHtmlEscaped()),
                     m_typed);
    }
    m_comment->setObjectName(QStringLiteral("comment"));
    m_comment->setPlaceholderText(isProtected
                                      ? QStringLiteral("why (required here; goes to the audit log)")
                                      : QStringLiteral("why (optional; goes to the audit log)"));
    form->addRow(QStringLiteral("Comment"), m_comment);
    layout->addLayout(form);
    // Verbs on the buttons: what happens, and that nothing does ("Keep it", not "Cancel" beside
    // a "Cancel query").
    auto *buttons = new QDialogButtonBox(this);
    QPushButton *keep = buttons->addButton(QStringLiteral("Keep it"), QDialogButtonBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepButton"));
    m_confirm = buttons->addButton(actionLabel, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirmButton"));
    m_confirm->setStyleSheet(QStringLiteral("QPushButton { color: #b00020; font-weight: 600; }"));
    for (QPushButton *button : {keep, m_confirm})
        button->setAutoDefault(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (!m_typed) {
        keep->setDefault(true); // unprotected: a stray Enter keeps things as they are
        m_comment->setFocus();
        return;
    }
    // Protected: the typed name and a reason, the same rule as the command line's --yes -m. The
    // cursor starts in the name; Enter does nothing until the name matches, then moves on to the
    // comment, and confirms once both are there (the confirm button is the default only then).
    m_typed->setFocus();
    const auto ready = [this, environment] {
        return m_typed->text() == environment && !m_comment->text().trimmed().isEmpty();
    };
    const auto update = [this, ready] {
        m_confirm->setEnabled(ready());
        m_confirm->setDefault(ready());
    };
    update();
    connect(m_typed, &QLineEdit::textChanged, this, update);
    connect(m_comment, &QLineEdit::textChanged, this, update);
    // When both are there the default button takes the Enter; until then it moves the cursor.
    connect(m_typed, &QLineEdit::returnPressed, this, [this, environment, ready] {
        if (!ready() && m_typed->text() == environment)
            m_comment->setFocus();
    });
    connect(m_comment, &QLineEdit::returnPressed, this, [this, environment, ready] {
        if (!ready() && m_typed->text() != environment)
            m_typed->setFocus();
    });
}

QString DangerConfirmDialog::comment() const
{
    return m_comment->text();
}

} // namespace Opsdeck
