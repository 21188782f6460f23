// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dumpoperation.h"
#include "restoreoperation.h"

#include <QObject>
#include <QPointer>

namespace Opsdeck {

struct CloneResult
{
    BackupManifest dump;
    RestoreSummary restore;
};

/**
 * Production → staging in one action: a dump of the source environment (kept in the backups
 * location like any other), restored beside the target's database, scrubbed, then switched in
 * under the target's name; the target's old database is kept until someone drops it.
 */
class CloneOperation final : public QObject
{
    Q_OBJECT

public:
    CloneOperation(DumpRequest from, RestoreRequest to, QObject *parent = nullptr);

    void start();
    void cancel();

signals:
    void progressChanged(const Opsdeck::BackupProgress &progress);
    void lineReceived(const QString &line);
    void finished(const Opsdeck::Result<Opsdeck::CloneResult> &result);

private:
    DumpRequest m_from;
    RestoreRequest m_to;
    QPointer<DumpOperation> m_dump;
    QPointer<RestoreOperation> m_restore;
    CloneResult m_result;
};

} // namespace Opsdeck
