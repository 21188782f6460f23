// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>

namespace Opsdeck {

/** Where a backup, restore or clone is: shown as a progress bar and a line of text. */
struct BackupProgress
{
    QString step;       // "dumping", "verifying", "restoring", "scrubbing", "switching" ...
    qint64 bytes = 0;   // written so far (dumps)
    int tablesDone = 0; // tables whose data is done
    int tablesTotal = 0;
    QString object; // the table being worked on

    /** "dumping public.auth_user, 12 of 20 tables, 45.1 MiB" */
    QString text() const;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::BackupProgress)
