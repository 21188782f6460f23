// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/pane.h"
#include "logs/logquery.h"

#include <QList>
#include <QTimer>

#include <deque>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Opsdeck {

class LogCollector;
class LogHistory;
class LogMerger;
class LogTableModel;
class LogView;

/**
 * Every host's logs of one environment in one table, merged by time (the pane of `opsdeck
 * logs`). The window, host, source and level go to the hosts (journalctl's options, grep over
 * files) and re-read; the search box filters what is held as you type, and Enter sends its
 * words to the hosts too. Reads the window's history, sorts it off the UI thread, hands it to
 * the table in slices, then follows.
 */
class LogsPane final : public Pane
{
    Q_OBJECT

public:
    static constexpr int kSliceSize = 20'000;

    explicit LogsPane(EnvironmentContext &context, QWidget *parent = nullptr);
    ~LogsPane() override;

    QString paneId() const override { return QStringLiteral("logs"); }
    QString title() const override { return QStringLiteral("Logs"); }
    void refresh() override;
    /** "around=ISO-TIME": the logs five minutes either side of it (a deploy, a chart marker);
     * "session=PID@ISO-TIME": one PostgreSQL backend's lines, from when it started. */
    void openItem(const QString &item) override;
    bool isSettled() const override;

    LogTableModel *model() const { return m_model; }
    LogView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }
    /** The time window: the usual "Last …" choices, or the window an item opened ("Around …"). */
    QComboBox *windowField() const { return m_window; }
    QLabel *statusLabel() const { return m_status; }
    LogCollector *collector() const { return m_collector.get(); }
    /** Lines read and let go: older than what memory holds, and not kept on disk either. */
    qint64 linesLetGo() const;
    /** Lines older than what memory holds, kept on disk and searched. */
    qint64 linesOnDisk() const;
    /** The query the hosts were last sent. */
    const LogQuery &query() const { return m_query; }
    /** Writes the shown lines to `path` (atomically); false with the reason in the banner. */
    bool exportTo(const QString &path);

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildControls();
    LogQuery queryFromControls() const;
    void start(const LogQuery &query);
    void openSession(const QString &session);
    void showOpenedWindow(const QString &label);
    void receive(const QList<LogEntry> &entries);
    void historyDone();
    void showHistory(const QList<QList<LogEntry>> &slices);
    void drainSlices();
    void applySearch();
    void searchOnHosts();
    void updateStatus();
    QString shownText() const;
    QStringList olderLinesText() const;
    void chooseExport();

    LogTableModel *m_model;
    LogView *m_view;
    std::unique_ptr<LogCollector> m_collector;
    std::unique_ptr<LogMerger> m_followMerger;
    std::unique_ptr<LogHistory> m_history; // the window's lines until they are all in
    bool m_historyDone = false;  // the streams have sent it all (new lines go to the merger)
    bool m_historyShown = false; // sorted and handed to the table
    std::deque<QList<LogEntry>> m_slices; // sorted, waiting to be handed to the table
    QTimer m_drain;
    QTimer m_searchDelay;
    QTimer m_statusTimer;
    LogQuery m_query;
    qint64 m_aroundMs = 0;       // openItem's time, until the window is changed by hand
    qint64 m_sessionSinceMs = 0; // a backend's start (openItem), until the window is changed
    bool m_started = false;
    QComboBox *m_window;
    QComboBox *m_host;
    QComboBox *m_source;
    QComboBox *m_level;
    QLineEdit *m_search;
    QToolButton *m_follow;
    QLabel *m_status;
    QAction *m_followAction;
    QAction *m_exportAction;
};

} // namespace Opsdeck
