// SPDX-License-Identifier: GPL-3.0-or-later
#include "yamleditor.h"

#include "common/formatting.h"
#include "statuscolors.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSplitter>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

/** Keys, comments, quoted strings, anchors and document markers; enough to read YAML at a glance.
 */
class YamlHighlighter final : public QSyntaxHighlighter
{
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;

protected:
    void highlightBlock(const QString &text) override
    {
        static const QRegularExpression key(QStringLiteral(
            "^(\\s*(?:-\\s+)?)([^\\s#'\"][^:#]*?|\"[^\"]*\"|'[^']*')\\s*:(?=\\s|$)"));
        static const QRegularExpression quoted(QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'"));
        static const QRegularExpression anchor(
            QStringLiteral("[&*][A-Za-z0-9_-]+|![A-Za-z0-9!_-]+"));
        static const QRegularExpression comment(QStringLiteral("(^|\\s)#.*$"));
        QTextCharFormat keyFormat, stringFormat, anchorFormat, commentFormat, markerFormat;
        keyFormat.setForeground(QColor(0x1f, 0x4e, 0x9e));
        keyFormat.setFontWeight(QFont::DemiBold);
        stringFormat.setForeground(QColor(0x2e, 0x7d, 0x32));
        anchorFormat.setForeground(QColor(0x8e, 0x44, 0xad));
        commentFormat.setForeground(QColor(0x80, 0x80, 0x80));
        commentFormat.setFontItalic(true);
        markerFormat.setForeground(QColor(0xb0, 0x3a, 0x2e));
        if (text.startsWith(QLatin1String("---")) || text.startsWith(QLatin1String("..."))) {
            setFormat(0, int(text.size()), markerFormat);
            return;
        }
        for (auto it = quoted.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), stringFormat);
        }
        for (auto it = anchor.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), anchorFormat);
        }
        if (const QRegularExpressionMatch m = key.match(text); m.hasMatch())
            setFormat(int(m.capturedStart(2)), int(m.capturedLength(2)), keyFormat);
        if (const QRegularExpressionMatch m = comment.match(text); m.hasMatch())
            setFormat(int(m.capturedStart()), int(m.capturedLength()), commentFormat);
    }
};

} // namespace

YamlEditor::YamlEditor(QWidget *parent)
    : ConfigEditor(parent)
    , m_text(new QPlainTextEdit(this))
    , m_outline(new QTreeWidget(this))
    , m_problem(new QLabel(this))
{
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_text->setFont(mono);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setTabChangesFocus(false);
    new YamlHighlighter(m_text->document());
    m_outline->setHeaderLabels({tr("Outline"), tr("Line")});
    m_outline->setRootIsDecorated(true);
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &YamlEditor::checkNow);
    connect(m_text, &QPlainTextEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_text->document(), &QTextDocument::modificationChanged, this,
            &ConfigEditor::modifiedChanged);
    connect(m_outline, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem *item) { goToLine(item->data(0, Qt::UserRole).toInt()); });
    connect(m_outline, &QTreeWidget::itemClicked, this,
            [this](QTreeWidgetItem *item) { goToLine(item->data(0, Qt::UserRole).toInt()); });

    auto *split = new QSplitter(this);
    split->addWidget(m_text);
    split->addWidget(m_outline);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split, 1);
    layout->addWidget(m_problem);
}

QByteArray YamlEditor::content() const
{
    return m_text->toPlainText().toUtf8();
}

void YamlEditor::setContent(const QByteArray &bytes)
{
    m_loaded = bytes;
    m_text->setPlainText(QString::fromUtf8(bytes));
    m_text->document()->setModified(false);
    checkNow();
}

bool YamlEditor::isModified() const
{
    return m_text->document()->isModified();
}

Status YamlEditor::checkBeforeSave() const
{
    const YamlCheck check = checkYaml(content());
    if (check.ok())
        return success();
    return Status::failure(tr("The file does not parse as YAML (line %1, column %2: %3); "
                              "it was not saved.")
                               .arg(check.problem->line)
                               .arg(check.problem->column)
                               .arg(check.problem->message));
}

QString YamlEditor::changeSummary() const
{
    // Text edits have no keys to name; count lines instead (never their content).
    const QStringList before = QString::fromUtf8(m_loaded).split(QLatin1Char('\n'));
    const QStringList after = m_text->toPlainText().split(QLatin1Char('\n'));
    int changed = 0;
    for (qsizetype i = 0; i < qMax(before.size(), after.size()); ++i)
        changed += before.value(i) != after.value(i);
    return countOf(changed, tr("line"), tr("lines")) + tr(" changed");
}

void YamlEditor::checkNow()
{
    m_debounce.stop();
    m_check = checkYaml(content());
    showCheck();
}

void YamlEditor::showCheck()
{
    QList<QTextEdit::ExtraSelection> marks;
    if (m_check.problem) {
        m_problem->setText(tr("<span style='color:%1'>●</span> line %2, column %3: %4")
                               .arg(healthColor(Health::Critical).name())
                               .arg(m_check.problem->line)
                               .arg(m_check.problem->column)
                               .arg(m_check.problem->message.toHtmlEscaped()));
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_text->document()->findBlockByNumber(m_check.problem->line - 1));
        mark.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(healthColor(Health::Critical));
        mark.format.setBackground(healthColor(Health::Critical).lighter(190));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks << mark;
        m_text->setExtraSelections(marks);
        return; // keep the last good outline while the text is broken
    }
    m_text->setExtraSelections(marks);
    m_problem->setText(tr("<span style='color:%1'>●</span> valid YAML (%2)")
                           .arg(healthColor(Health::Good).name(),
                                countOf(m_check.documents, tr("document"), tr("documents"))));
    m_outline->clear();
    QList<QTreeWidgetItem *> parents;
    for (const YamlCheck::OutlineItem &item : m_check.outline) {
        parents.resize(qMin<qsizetype>(parents.size(), item.depth));
        QTreeWidgetItem *parent = parents.isEmpty() ? nullptr : parents.last();
        auto *node = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_outline);
        node->setText(0, item.key);
        node->setText(1, QString::number(item.line));
        node->setData(0, Qt::UserRole, item.line);
        while (parents.size() < item.depth)
            parents << parent; // a skipped level (list items) keeps the same parent
        parents << node;
    }
    m_outline->expandToDepth(1);
    m_outline->resizeColumnToContents(0);
}

void YamlEditor::goToLine(int line)
{
    QTextCursor cursor(m_text->document()->findBlockByNumber(line - 1));
    m_text->setTextCursor(cursor);
    m_text->centerCursor();
    m_text->setFocus();
}

} // namespace Opsdeck
