// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deploy/deploystatusquery.h"

#include <QJsonObject>
#include <QTextStream>

namespace Opsdeck {

class EnvironmentSession;

/** Asks every host of the session's environment for its releases, lock and history (blocks
 * in an event loop: for commands). */
EnvironmentDeployState readDeployState(EnvironmentSession &session);

/** `opsdeck releases ENV --json`: hosts, history and lock. */
QJsonObject deployStateJson(const EnvironmentDeployState &state);

/** `opsdeck releases ENV`: the lock, the hosts, the releases and the recent history as tables. */
void printDeployState(QTextStream &out, const QString &environment,
                      const EnvironmentDeployState &s);

/** What a planned deploy of `ref` (at `revision`) brings, as the deploy dialog says it: the
 * commits since the deployed release and the migrations the database has not applied. */
void printWhatItBrings(QTextStream &out, EnvironmentSession &session, const QString &ref,
                       const QString &revision);

} // namespace Opsdeck
