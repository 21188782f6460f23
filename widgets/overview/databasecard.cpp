// SPDX-License-Identifier: GPL-3.0-or-later
#include "databasecard.h"

#include "common/formatting.h"
#include "statuscolors.h"

#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>

namespace Opsdeck {

namespace {

Health healthOf(const DatabaseStatus &s)
{
    switch (s.state) {
    case DatabaseStatus::State::Up:
        return s.maxConnections > 0 && s.connections * 10 >= s.maxConnections * 8 ? Health::Warning
                                                                                  : Health::Good;
    case DatabaseStatus::State::Down:
        return Health::Critical;
    case DatabaseStatus::State::Checking:
        return Health::Checking;
    default:
        return Health::Unknown;
    }
}

} // namespace

DatabaseCard::DatabaseCard(QWidget *parent)
    : QGroupBox(QStringLiteral("Database"), parent)
    , m_status(new QLabel(this))
    , m_target(new QLabel(this))
    , m_via(new QLabel(this))
    , m_version(new QLabel(this))
    , m_uptime(new QLabel(this))
    , m_size(new QLabel(this))
    , m_connections(new QProgressBar(this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("databaseCard"));
    m_status->setObjectName(QStringLiteral("databaseStatus"));
    m_error->setObjectName(QStringLiteral("databaseError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: %1").arg(healthColor(Health::Critical).name()));
    m_connections->setFormat(QStringLiteral("%v of %m"));
    m_connections->setMaximumWidth(320);
    auto *form = new QFormLayout(this);
    form->addRow(QStringLiteral("Status"), m_status);
    form->addRow(QStringLiteral("Server"), m_target);
    form->addRow(QStringLiteral("Reached"), m_via);
    form->addRow(QStringLiteral("Version"), m_version);
    form->addRow(QStringLiteral("Uptime"), m_uptime);
    form->addRow(QStringLiteral("Database size"), m_size);
    form->addRow(QStringLiteral("Connections"), m_connections);
    form->addRow(QString(), m_error);
}

void DatabaseCard::show(const DatabaseStatus &s)
{
    const Health health = healthOf(s);
    m_status->setText(QStringLiteral("<span style='color:%1'>●</span> %2")
                          .arg(healthColor(health).name(), s.state == DatabaseStatus::State::Up
                                                               ? QStringLiteral("Connected")
                                                               : healthText(health)));
    m_target->setText(s.target);
    m_via->setText(s.via.isEmpty() ? QStringLiteral("directly")
                                   : QStringLiteral("through an SSH tunnel via %1").arg(s.via));
    const bool up = s.state == DatabaseStatus::State::Up;
    m_version->setText(up ? QStringLiteral("PostgreSQL %1").arg(s.version) : QStringLiteral("–"));
    m_uptime->setText(up ? formatDuration(s.uptimeSeconds) : QStringLiteral("–"));
    m_size->setText(up ? formatBytes(s.sizeBytes) : QStringLiteral("–"));
    m_connections->setRange(0, std::max(1, s.maxConnections));
    m_connections->setValue(up ? s.connections : 0);
    m_connections->setEnabled(up);
    m_error->setText(s.error);
    m_error->setVisible(!s.error.isEmpty());
}

} // namespace Opsdeck
