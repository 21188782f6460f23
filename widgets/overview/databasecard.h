// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/environmentprobe.h"

#include <QGroupBox>

class QLabel;
class QProgressBar;

namespace Opsdeck {

/** The overview's database block: reachability, version, uptime, size, connections. */
class DatabaseCard final : public QGroupBox
{
    Q_OBJECT

public:
    explicit DatabaseCard(QWidget *parent = nullptr);
    void show(const DatabaseStatus &status);

private:
    QLabel *m_status;
    QLabel *m_target;
    QLabel *m_via;
    QLabel *m_version;
    QLabel *m_uptime;
    QLabel *m_size;
    QProgressBar *m_connections;
    QLabel *m_error;
};

} // namespace Opsdeck
