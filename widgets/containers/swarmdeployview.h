// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "actions/actionpipeline.h"
#include "deploy/deployrunner.h"
#include "docker/swarmdeployrunner.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Opsdeck {

class SwarmDeployRunner;

/**
 * The live view of one swarm deploy or rollback: the step it is in with each step's time, its
 * output as it comes (the build host's, the release task's, Swarm's update messages, the
 * health gate's), Cancel, and at the end the outcome — with the failing tasks' errors and last
 * log lines when it failed. The runner is started by the pane, through the action pipeline.
 */
class SwarmDeployView final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMaxLogLines = 20'000;

    explicit SwarmDeployView(QWidget *parent = nullptr);

    /** Shows `runner` (owned by this view from now on) under `title`; `finish` gets its end. */
    void follow(SwarmDeployRunner *runner, const QString &title, ActionPipeline::Finish finish);
    bool isRunning() const;
    SwarmDeployRunner *runner() const { return m_runner; }
    QPlainTextEdit *log() const { return m_log; }
    QLabel *title() const { return m_title; }

signals:
    void runFinished(Opsdeck::DeployRunner::Outcome outcome, const QString &summary);

private:
    void append(const QString &source, const QByteArray &data);

    QLabel *m_title;
    QLabel *m_steps;
    QPushButton *m_cancel;
    QPlainTextEdit *m_log;
    QPointer<SwarmDeployRunner> m_runner;
    QByteArray m_partial;
};

} // namespace Opsdeck
