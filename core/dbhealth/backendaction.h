// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "activity.h"
#include "common/result.h"

#include <QFuture>
#include <QString>

namespace Opsdeck {

class PgConnection;

enum class BackendSignal { Cancel, Terminate };

/** "What will change" for a cancel or terminate: the query it ends, whole (bounded), with the
 * session's state and how long the query has run. */
QString backendActionChanges(const ActivityRow &row);

/**
 * Cancels or terminates one backend over an *action* session (never the read-only monitor),
 * only if it is still the same backend: pid and backend_start must both match, so a pid that
 * was reused by a new connection since the user looked is left alone.
 * The result says what happened in words: "cancel sent", "backend has gone or was replaced", ...
 */
QFuture<Result<QString>> signalBackend(PgConnection &actionSession, int pid,
                                       const QString &backendStart, BackendSignal signal);

} // namespace Opsdeck
