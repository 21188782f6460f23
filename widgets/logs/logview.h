// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QAction;
class QPlainTextEdit;
class QTableView;

namespace Opsdeck {

class LogTableModel;
struct LogEntry;

/**
 * The merged log's table with what `tail -f` users expect: it follows new lines while the
 * bottom is in sight and stops as soon as you scroll up (End, or Follow, picks it up again);
 * clicking a line stops it too, so the line stays put; the selected line's fields below; copy
 * (Ctrl+C) and "only this host/source" from the context menu, which adds to the search rather than
 * hiding anything silently.
 */
class LogView final : public QWidget
{
    Q_OBJECT

public:
    LogView(LogTableModel *model, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QPlainTextEdit *details() const { return m_details; }
    bool isFollowing() const { return m_following; }
    void setFollowing(bool following);
    /** The shown lines (filtered) as text, one per line, for copying and export. */
    QString linesText(const QList<int> &rows) const;

signals:
    void followingChanged(bool following);
    /** "host=web1" and the like, to add to the search. */
    void searchTermRequested(const QString &term);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rowsArrived();
    void userScrolled();
    void showDetails();
    void copySelection();
    void showContextMenu(const QPoint &pos);

    LogTableModel *m_model;
    QTableView *m_table;
    QPlainTextEdit *m_details;
    bool m_following = true;
};

} // namespace Opsdeck
