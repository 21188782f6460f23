// SPDX-License-Identifier: GPL-3.0-or-later
#include "statusboard.h"

#include "statuscolors.h"

#include <QGridLayout>
#include <QLabel>
#include <QPalette>
#include <QPushButton>

namespace Opsdeck {

namespace {

Health healthOf(PulseLine::Level level)
{
    switch (level) {
    case PulseLine::Level::Checking:
        return Health::Checking;
    case PulseLine::Level::Good:
        return Health::Good;
    case PulseLine::Level::Warning:
        return Health::Warning;
    case PulseLine::Level::Critical:
        return Health::Critical;
    case PulseLine::Level::Unknown:
        break;
    }
    return Health::Unknown;
}

QString paneTitle(const QString &paneId)
{
    static const QHash<QString, QString> titles{
        {QStringLiteral("dbhealth"), QStringLiteral("Database health")},
        {QStringLiteral("deploy"), QStringLiteral("Deployments")},
        {QStringLiteral("config"), QStringLiteral("Config")},
        {QStringLiteral("flags"), QStringLiteral("Feature flags")},
        {QStringLiteral("metrics"), QStringLiteral("Metrics")},
        {QStringLiteral("alerts"), QStringLiteral("Alerts")},
        {QStringLiteral("logs"), QStringLiteral("Logs")},
    };
    return titles.value(paneId, paneId);
}

QLabel *plainLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // server errors and names are never rich text
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

StatusBoard::StatusBoard(QWidget *parent)
    : QGroupBox(QStringLiteral("Status"), parent)
    , m_grid(new QGridLayout(this))
{
    setObjectName(QStringLiteral("statusBoard"));
    m_grid->setColumnStretch(2, 1);
    m_grid->setHorizontalSpacing(10);
}

StatusBoard::Row &StatusBoard::rowFor(const QString &concern)
{
    auto found = m_rows.find(concern);
    if (found != m_rows.end())
        return *found;
    const int gridRow = m_grid->rowCount() + 1; // two grid rows per line: sentence, then details
    Row row{new QLabel(this), new QLabel(this), plainLabel(this), plainLabel(this),
            new QPushButton(this)};
    row.summary->setObjectName(QStringLiteral("pulseSummary_") + concern);
    row.details->setObjectName(QStringLiteral("pulseDetails_") + concern);
    QPalette quieter = row.details->palette();
    quieter.setColor(QPalette::WindowText, quieter.color(QPalette::PlaceholderText));
    row.details->setPalette(quieter);
    QFont bold = row.title->font();
    bold.setBold(true);
    row.title->setFont(bold);
    row.open->setFlat(true);
    row.open->setCursor(Qt::PointingHandCursor);
    m_grid->addWidget(row.dot, gridRow, 0, Qt::AlignTop);
    m_grid->addWidget(row.title, gridRow, 1, Qt::AlignTop);
    m_grid->addWidget(row.summary, gridRow, 2);
    m_grid->addWidget(row.open, gridRow, 3, Qt::AlignTop | Qt::AlignRight);
    m_grid->addWidget(row.details, gridRow + 1, 2);
    return *m_rows.insert(concern, row);
}

void StatusBoard::setLines(const QList<PulseLine> &lines)
{
    m_lines = lines;
    for (const PulseLine &line : lines) {
        Row &row = rowFor(line.concern);
        const Health health = healthOf(line.level);
        row.dot->setPixmap(healthIcon(health).pixmap(12, 12));
        row.dot->setToolTip(healthText(health));
        row.title->setText(line.title);
        row.summary->setText(line.summary);
        row.details->setText(line.details.join(QLatin1Char('\n')));
        row.details->setVisible(!line.details.isEmpty());
        row.open->setVisible(!line.pane.isEmpty());
        row.open->setText(QStringLiteral("%1 ›").arg(paneTitle(line.pane)));
        row.open->disconnect(this);
        connect(row.open, &QPushButton::clicked, this,
                [this, pane = line.pane] { emit openPane(pane); });
    }
}

QString StatusBoard::summaryText(const QString &concern) const
{
    return m_rows.contains(concern) ? m_rows.value(concern).summary->text() : QString();
}

QString StatusBoard::detailsText(const QString &concern) const
{
    return m_rows.contains(concern) ? m_rows.value(concern).details->text() : QString();
}

} // namespace Opsdeck
