// SPDX-License-Identifier: GPL-3.0-or-later
#include "cloneoperation.h"

#include <QFile>

namespace Opsdeck {

CloneOperation::CloneOperation(DumpRequest from, RestoreRequest to, QObject *parent)
    : QObject(parent)
    , m_from(std::move(from))
    , m_to(std::move(to))
{}

void CloneOperation::start()
{
    // With backups kept on a host, the clone's dump is a working file here, not a backup
    // there: copying a gigabyte there and back to restore it helps nobody.
    const bool workingCopy = !m_from.uploadHost.isEmpty();
    m_from.uploadHost.clear();
    m_dump = new DumpOperation(m_from, this);
    connect(m_dump, &DumpOperation::progressChanged, this, &CloneOperation::progressChanged);
    connect(m_dump, &DumpOperation::lineReceived, this, &CloneOperation::lineReceived);
    connect(
        m_dump, &DumpOperation::finished, this,
        [this, workingCopy](const Result<BackupManifest> &dump) {
            if (!dump) {
                emit finished(Result<CloneResult>::failure(
                    QStringLiteral("dump of %1: %2").arg(m_from.environment, dump.errorString())));
                return;
            }
            m_result.dump = *dump;
            m_to.dumpPath = dump->dumpPath();
            m_restore = new RestoreOperation(m_to, this);
            connect(m_restore, &RestoreOperation::progressChanged, this,
                    &CloneOperation::progressChanged);
            connect(m_restore, &RestoreOperation::lineReceived, this,
                    &CloneOperation::lineReceived);
            connect(m_restore, &RestoreOperation::finished, this,
                    [this, workingCopy](const Result<RestoreSummary> &restored) {
                        if (workingCopy) {
                            QFile::remove(m_result.dump.dumpPath());
                            QFile::remove(m_result.dump.manifestPath);
                        }
                        if (!restored) {
                            emit finished(Result<CloneResult>::failure(
                                QStringLiteral("restore into %1: %2")
                                    .arg(m_to.environment, restored.errorString())));
                            return;
                        }
                        m_result.restore = *restored;
                        emit finished(m_result);
                    });
            m_restore->start();
        });
    m_dump->start();
}

void CloneOperation::cancel()
{
    if (m_restore)
        m_restore->cancel();
    else if (m_dump)
        m_dump->cancel();
}

} // namespace Opsdeck
