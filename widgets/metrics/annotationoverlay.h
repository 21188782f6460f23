// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/dashboards.h"

#include <QList>
#include <QRectF>

#include <functional>

class QGraphicsItem;
class QGraphicsScene;

namespace Opsdeck {

/**
 * A plot's annotations as graphics items over it: deploys, rollbacks and flag changes as vertical
 * lines, alerts' firing stretches as faint red bands behind the lines (Grafana's region
 * annotations). Each item's tooltip says what it was and when.
 */
class AnnotationOverlay
{
public:
    explicit AnnotationOverlay(QGraphicsScene *scene);
    ~AnnotationOverlay();
    AnnotationOverlay(const AnnotationOverlay &) = delete;
    AnnotationOverlay &operator=(const AnnotationOverlay &) = delete;

    void set(const QList<Annotation> &annotations);
    const QList<Annotation> &annotations() const { return m_annotations; }
    /** Places the items for a plot showing [fromMs, toMs]; `xOf` maps a time to scene x. */
    void place(const QRectF &plot, qint64 fromMs, qint64 toMs,
               const std::function<double(qint64)> &xOf);
    /** Scene x of the visible moments (lines), and the visible bands' [left, right]. */
    QList<double> linePositions() const;
    QList<std::pair<double, double>> bandExtents() const;

private:
    QGraphicsScene *m_scene;
    QList<Annotation> m_annotations;
    QList<QGraphicsItem *> m_items; // one per annotation, same order
};

} // namespace Opsdeck
