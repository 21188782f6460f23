// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploy/deployrunner.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QTabBar;
class QTimer;
class QTreeWidget;

namespace Opsdeck {

class DeployLog;
class DeployLogModel;

/**
 * A running (or finished) job, live: phase and batch progress, each host's state, and the
 * output — all hosts combined or one host at a time — in a list view that only paints what is
 * on screen and follows the end unless the user scrolls up.
 */
class DeployRunView final : public QWidget
{
    Q_OBJECT

public:
    explicit DeployRunView(QWidget *parent = nullptr);
    ~DeployRunView() override;

    /** Shows `runner`'s job with its output in `log` (both outlive this call; may be replaced). */
    void attach(DeployRunner *runner, DeployLog *log, const QString &title);

    QListView *logView() const { return m_logView; }
    DeployLogModel *logModel() const { return m_model; }
    QTreeWidget *hostTable() const { return m_hosts; }
    QTabBar *hostTabs() const { return m_tabs; }
    QProgressBar *progress() const { return m_progress; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString stateText() const;
    /** How long each step took: "Preflight 0.4 s › Lock 0.2 s › Build 8.1 s…". */
    QString stepsText() const;

signals:
    void openLogRequested(const QString &path);

private:
    void onPhase(DeployRunner::Phase phase, const QString &label);
    void onHost(const QString &host);
    void onFinished(DeployRunner::Outcome outcome, const QString &summary);
    void onTab(int index);
    int progressFor(DeployRunner::Phase phase) const;
    /** Once a second while a job runs: step times and each health gate's countdown. */
    void tick();

    QPointer<DeployRunner> m_runner;
    QPointer<DeployLog> m_log;
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_steps;
    QString m_phaseLabel;
    QTimer *m_tick;
    QProgressBar *m_progress;
    QTreeWidget *m_hosts;
    QTabBar *m_tabs;
    QListView *m_logView;
    DeployLogModel *m_model;
    QPushButton *m_cancel;
    QPushButton *m_openLog;
    QPushButton *m_follow;
    bool m_atBottom = true;
};

} // namespace Opsdeck
