// SPDX-License-Identifier: GPL-3.0-or-later
#include "servicelogview.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

ServiceLogView::ServiceLogView(DockerEngine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
    , m_title(new QLabel(tr("Select a service, then Follow logs."), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_log(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("serviceLogView"));
    m_title->setTextFormat(Qt::PlainText);
    m_log->setObjectName(QStringLiteral("serviceLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLines);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_stop->setEnabled(false);
    connect(m_stop, &QPushButton::clicked, this, &ServiceLogView::stop);
    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_stop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_log, 1);
}

ServiceLogView::~ServiceLogView()
{
    stop();
}

void ServiceLogView::followService(const QString &serviceId, const QString &name)
{
    follow(QStringLiteral("/services/%1/logs").arg(serviceId), name);
}

void ServiceLogView::followContainer(const QString &containerId, const QString &name)
{
    follow(QStringLiteral("/containers/%1/logs").arg(containerId), name);
}

void ServiceLogView::follow(const QString &logsPath, const QString &name)
{
    stop();
    if (!m_engine)
        return;
    m_name = name;
    m_log->clear();
    m_decoder = {};
    m_partial.clear();
    m_title->setText(tr("Logs of %1 (following)").arg(name));
    m_stop->setEnabled(true);
    const QString path =
        logsPath + QStringLiteral("?follow=1&stdout=1&stderr=1&timestamps=1&details=0&tail=%1")
                       .arg(kTailLines);
    m_followId = m_engine->follow(
        path, this, [this](const QByteArray &data) { receive(data); },
        [this](const QString &error) {
            m_followId = 0;
            m_stop->setEnabled(false);
            m_title->setText(error.isEmpty() ? tr("Logs of %1 (the stream ended)").arg(m_name)
                                             : tr("Logs of %1: %2").arg(m_name, error));
        });
}

void ServiceLogView::stop()
{
    if (m_followId && m_engine)
        m_engine->stopFollowing(m_followId);
    if (m_followId)
        m_title->setText(tr("Logs of %1 (stopped)").arg(m_name));
    m_followId = 0;
    m_stop->setEnabled(false);
}

void ServiceLogView::receive(const QByteArray &data)
{
    // Whole lines only, as Docker sends them: "2026-12-06T10:00:00.123456789Z message".
    m_partial += m_decoder.feed(data);
    const qsizetype end = m_partial.lastIndexOf('\n');
    if (end < 0)
        return;
    const QByteArray lines = m_partial.left(end);
    m_partial.remove(0, end + 1);
    m_log->appendPlainText(QString::fromUtf8(lines));
    emit linesAdded();
}

} // namespace Opsdeck
