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
#include <QThreadPool>
#include <QtConcurrent>

#include <atomic>
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

/** The spill's state, shared with its tasks; the file and `failed` are the worker's alone. */
struct LogSpill::File
{
    QThreadPool worker; // one thread: writes and searches in the order they were asked for
    QString directory;
    QString path;
    qint64 maxBytes = 0;
    std::unique_ptr<QFile> writer;
    bool failed = false;
    mutable QMutex problemLock;
    QString problem;
    std::atomic<qint64> count{0};
    std::atomic<qint64> lost{0};
    std::atomic<qint64> bytes{0};
    std::atomic<int> searchGeneration{0};
    std::atomic<bool> closing{false};

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

    void write(const QByteArray &data, qint64 lines)
    {
        const qsizetype size = data.size();
        if (closing || !open()) {
            lost += lines;
            return;
        }
        if (bytes.load() + size > maxBytes) {
            lost += lines;
            const QMutexLocker locker(&problemLock);
            problem = QCoreApplication::translate("LogSpill", "%1 is full (%2 MiB)")
                          .arg(path)
                          .arg(maxBytes / (1024 * 1024));
            return;
        }
        if (writer->write(data) != size) {
            lost += lines;
            fail(writer->errorString());
            return;
        }
        bytes += size;
    }
};

LogSpill::LogSpill(const QString &directory, qint64 maxBytes)
    : m_file(std::make_shared<File>())
{
    m_file->worker.setMaxThreadCount(1);
    m_file->worker.setExpiryTimeout(-1); // one thread, kept: tasks run in the order asked
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
    // Tasks still queued run, but do nothing: a write skips (the file goes anyway) and a search
    // answers at once, cut short, so that every future handed out finishes.
    m_file->closing = true;
    // The running task ends and the file (up to 2 GiB) is removed on a pool thread; the last
    // reference to the state, and with it the worker thread, goes there too.
    QThreadPool::globalInstance()->start([file = m_file] {
        file->worker.waitForDone();
        if (file->writer) {
            file->writer.reset();
            QFile::remove(file->path);
        }
    });
}

qint64 LogSpill::count() const
{
    return m_file->count.load();
}

qint64 LogSpill::lost() const
{
    return m_file->lost.load();
}

qint64 LogSpill::bytes() const
{
    return m_file->bytes.load();
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
    m_file->count += entries.size();
    m_file->worker.start(
        [file = m_file, entries] { file->write(encode(entries), entries.size()); });
}

void LogSpill::appendEncoded(const QByteArray &encoded, qint64 count)
{
    if (count <= 0)
        return;
    m_file->count += count;
    m_file->worker.start([file = m_file, encoded, count] { file->write(encoded, count); });
}

QFuture<SpillSearch> LogSpill::search(const LogFilter &filter, qsizetype maxMatches)
{
    const int generation = ++m_file->searchGeneration;
    return QtConcurrent::run(&m_file->worker, [spill = m_file, filter, maxMatches, generation] {
        SpillSearch result;
        File &file = *spill;
        result.stopped = file.closing;
        if (file.closing || !file.writer || !file.writer->flush())
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
                (file.closing || file.searchGeneration.load() != generation)) {
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
