// SPDX-License-Identifier: GPL-3.0-or-later
#include "configdiffview.h"

#include "config/dotenvfile.h"
#include "config/linediff.h"
#include "dotenvmodel.h"

#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>

namespace Opsdeck {

QString maskSecretLine(const QString &line)
{
    static const QRegularExpression assignment(
        QStringLiteral("^(\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*[=:]\\s*)(.+)$"));
    const QRegularExpressionMatch m = assignment.match(line);
    if (!m.hasMatch() || !DotenvFile::looksSecret(m.captured(2), m.captured(3)))
        return line;
    return m.captured(1) + maskedValue();
}

ConfigDiffView::ConfigDiffView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    setFont(mono);
}

void ConfigDiffView::showDiff(const QByteArray &before, const QByteArray &after, bool reveal)
{
    const auto lines = [reveal](const QByteArray &bytes) {
        QStringList out = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
        if (!out.isEmpty() && out.last().isEmpty())
            out.removeLast();
        for (QString &line : out) {
            if (line.endsWith(QLatin1Char('\r')))
                line.chop(1);
            if (!reveal)
                line = maskSecretLine(line);
        }
        return out;
    };
    const QList<DiffLine> diff = lineDiff(lines(before), lines(after));
    clear();
    m_changed = 0;
    QTextCursor cursor(document());
    for (const DiffLine &line : diff) {
        QTextCharFormat format;
        QChar prefix = QLatin1Char(' ');
        if (line.kind == DiffLine::Kind::Removed) {
            format.setBackground(QColor(0xfd, 0xe2, 0xe1));
            prefix = QLatin1Char('-');
            ++m_changed;
        } else if (line.kind == DiffLine::Kind::Added) {
            format.setBackground(QColor(0xdc, 0xf5, 0xdc));
            prefix = QLatin1Char('+');
            ++m_changed;
        }
        cursor.insertText(prefix + QLatin1Char(' ') + line.text + QLatin1Char('\n'), format);
    }
    moveCursor(QTextCursor::Start);
}

} // namespace Opsdeck
