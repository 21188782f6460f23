// SPDX-License-Identifier: GPL-3.0-or-later
#include "logspill.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QtConcurrent>

#include <deque>

#include <fcntl.h>
#include <unistd.h>

namespace Opsdeck {

namespace {

constexpr auto kStreamVersion = QDataStream::Qt_6_4;
constexpr int kCheckEvery = 4096; // records between looks at "a newer search came"

enum EntryFlag : quint8 { TimeGuessed = 1, IsGap = 2, IsAccessLine = 4 };

void writeEntry(QDataStream &out, const LogEntry &e)
{
    const quint8 flags = (e.timeGuessed ? TimeGuessed : 0) | (e.isGap ? IsGap : 0) |
                         (e.isAccessLine ? IsAccessLine : 0);
    // UTF-8, not QDataStream's UTF-16: a spilled line costs half the bytes, queued and on disk.
    out << e.timeMs << quint8(e.level) << flags << e.host.toUtf8() << e.source.toUtf8()
        << e.message.toUtf8() << quint32(e.fields.size());
    for (const auto &[key, value] : e.fields)
        out << key.toUtf8() << value.toUtf8();
}

bool readEntry(QDataStream &in, LogEntry &e)
{
    quint8 level = 0;
    quint8 flags = 0;
    quint32 fieldCount = 0;
    QByteArray host, source, message;
    in >> e.timeMs >> level >> flags >> host >> source >> message >> fieldCount;
    if (in.status() != QDataStream::Ok || level > quint8(LogLevel::Critical) || fieldCount > 4096)
        return false;
    e.level = LogLevel(level);
    e.host = QString::fromUtf8(host);
    e.source = QString::fromUtf8(source);
    e.message = QString::fromUtf8(message);
    e.timeGuessed = flags & TimeGuessed;
    e.isGap = flags & IsGap;
    e.isAccessLine = flags & IsAccessLine;
    e.fields.clear();
    for (quint32 i = 0; i < fieldCount; ++i) {
        QByteArray key;
        QByteArray value;
        in >> key >> value;
        e.fields.append({QString::fromUtf8(key), QString::fromUtf8(value)});
    }
    return in.status() == QDataStream::Ok;
}

/** Spills of Opsdeck processes that are gone (a crash, a kill): nobody will remove them else. */
void removeOrphans(const QDir &directory)
{
    const QStringList names =
        directory.entryList({QStringLiteral("spill-*.bin")}, QDir::Files | QDir::Hidden);
    for (const QString &name : names) {
        const QString pid = name.section(QLatin1Char('-'), 1, 1);
        if (!pid.isEmpty() && !QFileInfo::exists(QStringLiteral("/proc/") + pid))
            QFile::remove(directory.filePath(name));
    }
}

} // namespace

/** Lives on the worker thread, but for `problem`. */
struct LogSpill::File
{
    QString directory;
    QString path;
    qint64 maxBytes = 0;
    std::unique_ptr<QFile> writer;
    bool failed = false;
    mutable QMutex problemLock;
    QString problem;

    void fail(const QString &why)
    {
        failed = true;
        writer.reset();
        const QMutexLocker locker(&problemLock);
        problem = why;
    }

    bool open()
    {
        if (writer || failed)
            return bool(writer);
        if (!QDir().mkpath(directory) ||
            !QFile::setPermissions(directory,
                                   QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
            fail(QCoreApplication::translate("LogSpill", "cannot create %1").arg(directory));
            return false;
        }
        removeOrphans(QDir(directory));
        const int fd = ::open(QFile::encodeName(path).constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            fail(QCoreApplication::translate("LogSpill", "cannot create %1: %2")
                     .arg(path, QString::fromLocal8Bit(strerror(errno))));
            return false;
        }
        writer = std::make_unique<QFile>();
        if (!writer->open(fd, QIODevice::WriteOnly, QFileDevice::AutoCloseHandle)) {
            ::close(fd);
            fail(writer->errorString());
            return false;
        }
        return true;
    }
};

LogSpill::LogSpill(const QString &directory, qint64 maxBytes)
    : m_file(std::make_shared<File>())
{
    m_worker.setMaxThreadCount(1);
    m_worker.setExpiryTimeout(-1); // one thread, kept: the order of tasks is the order asked
    m_file->directory = directory;
    m_file->maxBytes = maxBytes;
    m_path = QDir(directory).filePath(
        QStringLiteral("spill-%1-%2.bin")
            .arg(QCoreApplication::applicationPid())
            .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0')));
    m_file->path = m_path;
}

LogSpill::~LogSpill()
{
    m_closing = true; // a search running stops at its next look
    m_worker.clear(); // writes not yet started: the file goes anyway
    m_worker.start([file = m_file] {
        const bool written = bool(file->writer);
        file->writer.reset();
        if (written)
            QFile::remove(file->path);
    });
    m_worker.waitForDone();
}

QString LogSpill::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
           QStringLiteral("/logs");
}

QString LogSpill::problem() const
{
    const QMutexLocker locker(&m_file->problemLock);
    return m_file->problem;
}

QByteArray LogSpill::encode(const QList<LogEntry> &entries)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(kStreamVersion);
    for (const LogEntry &e : entries)
        writeEntry(out, e);
    return bytes;
}

void LogSpill::append(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    m_count += entries.size();
    m_worker.start([this, entries] { write(encode(entries), entries.size()); });
}

void LogSpill::appendEncoded(const QByteArray &encoded, qint64 count)
{
    if (count <= 0)
        return;
    m_count += count;
    m_worker.start([this, encoded, count] { write(encoded, count); });
}

void LogSpill::write(const QByteArray &bytes, qint64 count)
{
    File &file = *m_file;
    const qsizetype size = bytes.size();
    if (m_closing || !file.open()) {
        m_lost += count;
        return;
    }
    if (m_bytes.load() + size > file.maxBytes) {
        m_lost += count;
        const QMutexLocker locker(&file.problemLock);
        file.problem = QCoreApplication::translate("LogSpill", "%1 is full (%2 MiB)")
                           .arg(file.path)
                           .arg(file.maxBytes / (1024 * 1024));
        return;
    }
    if (file.writer->write(bytes) != size) {
        m_lost += count;
        file.fail(file.writer->errorString());
        return;
    }
    m_bytes += size;
}

QFuture<SpillSearch> LogSpill::search(const LogFilter &filter, qsizetype maxMatches)
{
    const int generation = ++m_searchGeneration;
    return QtConcurrent::run(&m_worker, [this, filter, maxMatches, generation] {
        SpillSearch result;
        File &file = *m_file;
        if (!file.writer || !file.writer->flush())
            return result;
        QFile reader(file.path);
        if (!reader.open(QIODevice::ReadOnly))
            return result;
        QDataStream in(&reader);
        in.setVersion(kStreamVersion);
        std::deque<LogEntry> newest;
        LogEntry entry;
        while (!in.atEnd() && readEntry(in, entry)) {
            ++result.scanned;
            if (filter.matches(entry)) {
                ++result.matched;
                newest.push_back(entry);
                if (qsizetype(newest.size()) > maxMatches)
                    newest.pop_front();
            }
            if (result.scanned % kCheckEvery == 0 &&
                (m_closing || m_searchGeneration.load() != generation)) {
                result.stopped = true;
                break;
            }
        }
        result.matches = QList<LogEntry>(newest.begin(), newest.end());
        // Spilled in the order lines left memory: the window's oldest, then each batch's.
        std::stable_sort(result.matches.begin(), result.matches.end(),
                         [](const LogEntry &a, const LogEntry &b) { return a.timeMs < b.timeMs; });
        return result;
    });
}

} // namespace Opsdeck
