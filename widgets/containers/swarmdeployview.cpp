// SPDX-License-Identifier: GPL-3.0-or-later
#include "swarmdeployview.h"

#include "docker/swarmdeployrunner.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

SwarmDeployView::SwarmDeployView(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_steps(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_log(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("swarmDeployView"));
    m_title->setObjectName(QStringLiteral("swarmDeployTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_steps->setTextFormat(Qt::PlainText);
    m_log->setObjectName(QStringLiteral("swarmDeployLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines); // a chatty build cannot fill memory
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner)
            m_runner->cancel();
    });
    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_steps);
    layout->addWidget(m_log, 1);
    // The step times tick while a step runs.
    auto *tick = new QTimer(this);
    tick->setInterval(1000);
    connect(tick, &QTimer::timeout, this, [this] {
        if (m_runner && m_runner->isRunning())
            m_steps->setText(m_runner->stepsText());
    });
    tick->start();
}

bool SwarmDeployView::isRunning() const
{
    return m_runner && m_runner->isRunning();
}

void SwarmDeployView::follow(SwarmDeployRunner *runner, const QString &title,
                             ActionPipeline::Finish finish)
{
    if (m_runner)
        m_runner->deleteLater(); // the previous run's, finished
    m_runner = runner;
    runner->setParent(this);
    m_partial.clear();
    m_log->clear();
    m_title->setText(title);
    m_steps->clear();
    m_cancel->setEnabled(true);
    connect(runner, &SwarmDeployRunner::output, this, &SwarmDeployView::append);
    connect(runner, &SwarmDeployRunner::phaseChanged, this,
            [this](DeployRunner::Phase, const QString &label) {
                m_steps->setText(m_runner->stepsText() + QStringLiteral("  —  ") + label);
            });
    connect(runner, &SwarmDeployRunner::finished, this,
            [this, finish](DeployRunner::Outcome outcome, const QString &summary) {
                m_cancel->setEnabled(false);
                m_steps->setText(m_runner->stepsText());
                m_title->setText(DeployRunner::outcomeName(outcome) + QStringLiteral(": ") +
                                 summary.section(QLatin1Char('\n'), 0, 0));
                const QStringList report = m_runner->failureReport();
                if (!report.isEmpty()) {
                    m_log->appendPlainText(tr("\n— what failed —"));
                    m_log->appendPlainText(report.join(QLatin1Char('\n')));
                }
                finish(m_runner->actionResult());
                emit runFinished(outcome, summary);
            });
}

void SwarmDeployView::append(const QString &source, const QByteArray &data)
{
    // Whole lines only, each with where it came from ("web1 | Step 2/4 …").
    m_partial += data;
    qsizetype newline;
    while ((newline = m_partial.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_partial.left(newline));
        m_partial.remove(0, newline + 1);
        m_log->appendPlainText(source.isEmpty() ? line : source + QStringLiteral(" | ") + line);
    }
}

} // namespace Opsdeck
