// SPDX-License-Identifier: GPL-3.0-or-later
#include "annotationoverlay.h"

#include <QBrush>
#include <QDateTime>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QPen>

#include <algorithm>

namespace Opsdeck {

namespace {

QColor markerColor(Annotation::Kind kind)
{
    switch (kind) {
    case Annotation::Kind::Rollback:
        return QColor(0xd9, 0x8e, 0x04);
    case Annotation::Kind::FailedDeploy:
    case Annotation::Kind::Alert:
        return QColor(0xd0, 0x3b, 0x3b);
    case Annotation::Kind::Flag:
        return QColor(0x8e, 0x5b, 0xc7);
    case Annotation::Kind::Deploy:
        break;
    }
    return QColor(0x4a, 0x7f, 0xc1);
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QGraphicsItem *makeItem(const Annotation &a)
{
    if (a.endMs > a.atMs) {
        auto *band = new QGraphicsRectItem;
        QColor fill = markerColor(a.kind);
        fill.setAlpha(36);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);
        band->setZValue(3); // above the grid, under the lines (QtCharts draws series at 4)
        band->setToolTip(
            QStringLiteral("%1\n%2\nfrom %3").arg(a.title, a.detail, timeText(a.atMs)));
        return band;
    }
    auto *line = new QGraphicsLineItem;
    line->setPen(QPen(markerColor(a.kind), a.kind == Annotation::Kind::Flag ? 1 : 2,
                      a.kind == Annotation::Kind::Flag ? Qt::DotLine : Qt::SolidLine));
    line->setZValue(10);
    line->setToolTip(QStringLiteral("%1\n%2\n%3").arg(a.title, a.detail, timeText(a.atMs)));
    return line;
}

} // namespace

AnnotationOverlay::AnnotationOverlay(QGraphicsScene *scene)
    : m_scene(scene)
{}

AnnotationOverlay::~AnnotationOverlay()
{
    qDeleteAll(m_items);
}

void AnnotationOverlay::set(const QList<Annotation> &annotations)
{
    qDeleteAll(m_items);
    m_items.clear();
    m_annotations = annotations;
    for (const Annotation &a : annotations) {
        QGraphicsItem *item = makeItem(a);
        item->setAcceptHoverEvents(true);
        m_scene->addItem(item);
        m_items << item;
    }
}

void AnnotationOverlay::place(const QRectF &plot, qint64 fromMs, qint64 toMs,
                              const std::function<double(qint64)> &xOf)
{
    for (int i = 0; i < m_items.size(); ++i) {
        const Annotation &a = m_annotations.at(i);
        const qint64 end = std::max(a.atMs, a.endMs);
        const bool inside = end >= fromMs && a.atMs <= toMs;
        m_items[i]->setVisible(inside);
        if (auto *band = qgraphicsitem_cast<QGraphicsRectItem *>(m_items[i])) {
            const double left = xOf(std::max(a.atMs, fromMs));
            // A stretch shorter than a pixel still shows: at least 2 px wide.
            const double right = std::max(xOf(std::min(end, toMs)), left + 2);
            band->setRect(QRectF(left, plot.top(), right - left, plot.height()));
        } else if (auto *line = qgraphicsitem_cast<QGraphicsLineItem *>(m_items[i])) {
            const double x = xOf(a.atMs);
            line->setLine(x, plot.top(), x, plot.bottom());
        }
    }
}

QList<double> AnnotationOverlay::linePositions() const
{
    QList<double> xs;
    for (const QGraphicsItem *item : m_items)
        if (const auto *line = qgraphicsitem_cast<const QGraphicsLineItem *>(item);
            line && line->isVisible())
            xs << line->line().p1().x();
    return xs;
}

QList<std::pair<double, double>> AnnotationOverlay::bandExtents() const
{
    QList<std::pair<double, double>> extents;
    for (const QGraphicsItem *item : m_items)
        if (const auto *band = qgraphicsitem_cast<const QGraphicsRectItem *>(item);
            band && band->isVisible())
            extents << std::pair(band->rect().left(), band->rect().right());
    return extents;
}

} // namespace Opsdeck
