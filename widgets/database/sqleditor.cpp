// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqleditor.h"

#include "dbexplorer/sqlconsole.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStringListModel>
#include <QSyntaxHighlighter>

namespace Opsdeck {

namespace {

const QStringList &keywords()
{
    static const QStringList words =
        QStringLiteral(
            "select from where and or not in is null like ilike between exists group by order "
            "having "
            "limit offset join left right inner outer full cross on using as distinct union all "
            "intersect except with recursive case when then else end insert into values update set "
            "delete returning create table view index drop alter add column primary key foreign "
            "references unique check default explain analyze asc desc nulls first last true false "
            "count sum avg min max coalesce now interval cast lateral filter over partition window")
            .split(QLatin1Char(' '));
    return words;
}

class SqlHighlighter final : public QSyntaxHighlighter
{
public:
    explicit SqlHighlighter(QTextDocument *document)
        : QSyntaxHighlighter(document)
    {
        m_keyword.setForeground(QColor(0x1f, 0x4e, 0x9e));
        m_keyword.setFontWeight(QFont::Bold);
        m_string.setForeground(QColor(0x2e, 0x7d, 0x32));
        m_number.setForeground(QColor(0x8e, 0x44, 0xad));
        m_comment.setForeground(QColor(0x80, 0x80, 0x80));
        m_keywords =
            QRegularExpression(QStringLiteral("\\b(%1)\\b").arg(keywords().join(QLatin1Char('|'))),
                               QRegularExpression::CaseInsensitiveOption);
    }

protected:
    void highlightBlock(const QString &text) override
    {
        apply(text, m_keywords, m_keyword);
        static const QRegularExpression number(QStringLiteral(R"(\b\d+(\.\d+)?\b)"));
        apply(text, number, m_number);
        static const QRegularExpression string(QStringLiteral(R"('([^']|'')*'?)"));
        apply(text, string, m_string);
        static const QRegularExpression comment(QStringLiteral("--[^\n]*"));
        apply(text, comment, m_comment);
    }

private:
    void apply(const QString &text, const QRegularExpression &pattern,
               const QTextCharFormat &format)
    {
        for (auto it = pattern.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), format);
        }
    }

    QRegularExpression m_keywords;
    QTextCharFormat m_keyword, m_string, m_number, m_comment;
};

} // namespace

SqlEditor::SqlEditor(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_completer(new QCompleter(this))
    , m_words(new QStringListModel(keywords(), this))
{
    new SqlHighlighter(document());
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(QStringLiteral(
        "select … — Ctrl+Enter runs the statement under the cursor (or the selection), "
        "read-only. Ctrl+Space completes table and column names."));
    m_completer->setModel(m_words);
    m_completer->setWidget(this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            &SqlEditor::insertCompletion);
}

void SqlEditor::setCompletions(const QStringList &names)
{
    QStringList words = keywords() + names;
    words.removeDuplicates();
    words.sort(Qt::CaseInsensitive);
    m_words->setStringList(words);
}

QString SqlEditor::statementToRun() const
{
    const QString selected =
        textCursor().selectedText().replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
    if (!selected.trimmed().isEmpty())
        return selected.trimmed();
    return SqlConsole::statementAt(toPlainText(), textCursor().position());
}

QString SqlEditor::wordBeforeCursor() const
{
    QTextCursor cursor = textCursor();
    const QString before = cursor.block().text().left(cursor.positionInBlock());
    static const QRegularExpression word(QStringLiteral(R"([A-Za-z_][A-Za-z0-9_.]*$)"));
    const QRegularExpressionMatch m = word.match(before);
    return m.hasMatch() ? m.captured(0) : QString();
}

void SqlEditor::insertCompletion(const QString &completion)
{
    QTextCursor cursor = textCursor();
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, int(wordBeforeCursor().size()));
    cursor.insertText(completion);
    setTextCursor(cursor);
}

void SqlEditor::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            event->ignore(); // the popup takes them
            return;
        default:
            break;
        }
    }
    const bool explicitAsk =
        event->key() == Qt::Key_Space && (event->modifiers() & Qt::ControlModifier);
    if (!explicitAsk)
        QPlainTextEdit::keyPressEvent(event);
    const QString prefix = wordBeforeCursor();
    if (!explicitAsk && (prefix.size() < 3 || event->text().isEmpty())) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(prefix);
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0) +
                  m_completer->popup()->verticalScrollBar()->sizeHint().width());
    m_completer->complete(rect);
}

} // namespace Opsdeck
