// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "docker/dockerengine.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Opsdeck {

/**
 * One service's log, followed live (`docker service logs -f --timestamps`): the last 200 lines,
 * then each line as the tasks write it, with Docker's timestamp. Bounded (the newest kMaxLines
 * kept); Stop ends the stream, and so does hiding the pane.
 */
class ServiceLogView final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMaxLines = 20'000;
    static constexpr int kTailLines = 200;

    ServiceLogView(DockerEngine *engine, QWidget *parent = nullptr);
    ~ServiceLogView() override;

    void followService(const QString &serviceId, const QString &name);
    /** A compose service's container (`GET /containers/ID/logs`): the same stream format. */
    void followContainer(const QString &containerId, const QString &name);
    void stop();
    bool isFollowing() const { return m_followId != 0; }
    QString serviceName() const { return m_name; }
    QPlainTextEdit *log() const { return m_log; }

signals:
    void linesAdded();

private:
    void follow(const QString &logsPath, const QString &name);
    void receive(const QByteArray &data);

    QPointer<DockerEngine> m_engine;
    QLabel *m_title;
    QPushButton *m_stop;
    QPlainTextEdit *m_log;
    quint64 m_followId = 0;
    QString m_name;
    DockerLogDecoder m_decoder;
    QByteArray m_partial;
};

} // namespace Opsdeck
