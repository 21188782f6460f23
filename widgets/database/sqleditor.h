// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPlainTextEdit>

class QCompleter;
class QStringListModel;

namespace Opsdeck {

/**
 * The console's editor: SQL highlighting (keywords, strings, numbers, comments) and completion
 * of schema objects and keywords (Ctrl+Space, or by itself after three letters).
 */
class SqlEditor final : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit SqlEditor(QWidget *parent = nullptr);

    /** Names offered by completion besides the keywords: tables, views, columns, functions. */
    void setCompletions(const QStringList &names);
    QCompleter *completer() const { return m_completer; }
    /** The selection, or else the statement under the cursor (what Ctrl+Enter runs). */
    QString statementToRun() const;

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    QString wordBeforeCursor() const;
    void insertCompletion(const QString &completion);

    QCompleter *m_completer;
    QStringListModel *m_words;
};

} // namespace Opsdeck
