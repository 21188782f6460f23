// SPDX-License-Identifier: GPL-3.0-or-later
#include "statuscolors.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace Opsdeck {

QColor healthColor(Health health)
{
    switch (health) {
    case Health::Good:
        return QColor(0x2e, 0x9d, 0x57);
    case Health::Warning:
        return QColor(0xd9, 0x8e, 0x04);
    case Health::Critical:
        return QColor(0xd0, 0x3b, 0x3b);
    case Health::Checking:
        return QColor(0x4a, 0x7f, 0xc1);
    case Health::Unknown:
        break;
    }
    return QColor(0x9a, 0x9a, 0x9a);
}

QIcon healthIcon(Health health)
{
    static QHash<int, QIcon> cache;
    const int key = int(health);
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(healthColor(health));
    painter.drawEllipse(QRectF(5, 5, 22, 22));
    painter.end();
    return cache[key] = QIcon(pixmap);
}

QString healthText(Health health)
{
    switch (health) {
    case Health::Good:
        return QStringLiteral("OK");
    case Health::Warning:
        return QStringLiteral("Warning");
    case Health::Critical:
        return QStringLiteral("Down");
    case Health::Checking:
        return QStringLiteral("Checking…");
    case Health::Unknown:
        break;
    }
    return QStringLiteral("Unknown");
}

} // namespace Opsdeck
