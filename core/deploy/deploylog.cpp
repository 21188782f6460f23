// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploylog.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStandardPaths>

namespace Opsdeck {

namespace {

// Views repaint at most this often while output pours in; a burst becomes one update.
constexpr int kNotifyIntervalMs = 50;
// Output is taken in by slices of at most this long, then the event loop gets its turn.
constexpr qint64 kSliceNs = 8'000'000;
constexpr qsizetype kPieceBytes = 16 * 1024;

QString safeFileName(QString text)
{
    for (QChar &c : text)
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    return text;
}

} // namespace

DeployLog::DeployLog(const QString &filePath, int capacity, QObject *parent)
    : QObject(parent)
    , m_splitter([this](const QString &host, const QByteArray &line) { addLine(host, line); })
    , m_capacity(qMax(1, capacity))
{
    if (!filePath.isEmpty()) {
        QDir().mkpath(QFileInfo(filePath).absolutePath());
        m_file.setFileName(filePath);
        // Deploy output can carry what build scripts print (tokens in URLs, env dumps): the
        // user's alone to read, whatever the umask.
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append))
            m_fileError = m_file.errorString();
        else
            m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    m_notify.setSingleShot(true);
    m_notify.setInterval(kNotifyIntervalMs);
    connect(&m_notify, &QTimer::timeout, this, [this] {
        if (m_file.isOpen())
            m_file.flush();
        emit linesAdded();
    });
    m_drain.setInterval(0);
    connect(&m_drain, &QTimer::timeout, this, &DeployLog::drain);
}

DeployLog::~DeployLog() = default;

QString DeployLog::defaultFilePath(const QString &workspace, const QString &environment,
                                   const QString &kind)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
                        QStringLiteral("/deploy-logs");
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    return dir + QLatin1Char('/') +
           safeFileName(QStringLiteral("%1-%2-%3-%4").arg(workspace, environment, stamp, kind)) +
           QStringLiteral(".log");
}

void DeployLog::addHosts(const QStringList &hosts)
{
    for (const QString &host : hosts)
        hostIndex(host);
}

void DeployLog::append(const QString &host, const QByteArray &data)
{
    if (data.isEmpty())
        return;
    m_queue.emplace_back(host, data);
    if (!m_drain.isActive())
        m_drain.start();
}

void DeployLog::finish()
{
    m_finishing = true;
    if (!m_drain.isActive())
        m_drain.start();
}

void DeployLog::drain()
{
    QElapsedTimer slice;
    slice.start();
    while (!m_queue.empty() && slice.nsecsElapsed() < kSliceNs) {
        auto &[host, data] = m_queue.front();
        const qsizetype piece = qMin(kPieceBytes, data.size() - m_queueOffset);
        m_splitter.write(host, data.sliced(m_queueOffset, piece));
        m_queueOffset += piece;
        if (m_queueOffset == data.size()) {
            m_queue.pop_front();
            m_queueOffset = 0;
        }
    }
    if (!m_queue.empty())
        return; // the zero timer brings us back after the event loop's turn
    m_drain.stop();
    if (m_finishing) {
        m_finishing = false;
        m_splitter.flush();
        if (m_file.isOpen())
            m_file.flush();
        m_notify.stop();
        emit linesAdded();
        emit finished();
    }
}

qint64 DeployLog::first(int host) const
{
    const View *v = view(host);
    return v ? v->dropped : 0;
}

qint64 DeployLog::end(int host) const
{
    const View *v = view(host);
    return v ? v->dropped + qint64(v->lines.size()) : 0;
}

const DeployLog::Line *DeployLog::line(qint64 index, int host) const
{
    const View *v = view(host);
    if (!v || index < v->dropped || index >= v->dropped + qint64(v->lines.size()))
        return nullptr;
    return &v->lines[size_t(index - v->dropped)];
}

void DeployLog::addLine(const QString &host, const QByteArray &text)
{
    const Line line{text, host.isEmpty() ? kAllHosts : hostIndex(host)};
    if (m_file.isOpen()) {
        m_fileLine.clear();
        if (line.host != kAllHosts)
            m_fileLine += m_prefixes.at(line.host);
        m_fileLine += text;
        m_fileLine += '\n';
        m_file.write(m_fileLine);
    }
    push(m_all, line);
    if (line.host != kAllHosts)
        push(m_perHost[size_t(line.host)], line);
    ++m_totalLines;
    if (!m_notify.isActive())
        m_notify.start();
}

int DeployLog::hostIndex(const QString &host)
{
    int index = int(m_hosts.indexOf(host));
    if (index < 0) {
        index = int(m_hosts.size());
        m_hosts << host;
        m_prefixes << host.toUtf8() + " | ";
        m_perHost.emplace_back();
    }
    return index;
}

void DeployLog::push(View &view, const Line &line)
{
    view.lines.push_back(line); // QByteArray is shared: the per-host copy costs no text
    if (int(view.lines.size()) > m_capacity) {
        view.lines.pop_front();
        ++view.dropped;
    }
}

const DeployLog::View *DeployLog::view(int host) const
{
    if (host == kAllHosts)
        return &m_all;
    return host >= 0 && size_t(host) < m_perHost.size() ? &m_perHost[size_t(host)] : nullptr;
}

} // namespace Opsdeck
