// SPDX-License-Identifier: GPL-3.0-or-later
#include "firstpaint.h"

#include <QApplication>
#include <QEvent>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <vector>

namespace Opsdeck {

namespace {

const char kPaintedProperty[] = "opsdeckPainted";
const char kGateName[] = "opsdeckPaintGate";

/** Watches the application's events until a widget of its window paints, then runs the work. */
class PaintGate final : public QObject
{
public:
    explicit PaintGate(QWidget *window)
        : QObject(window)
        , m_window(window)
    {
        setObjectName(QLatin1String(kGateName));
        qApp->installEventFilter(this);
    }

    void add(std::function<void()> work) { m_work.push_back(std::move(work)); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && watched->isWidgetType() &&
            static_cast<QWidget *>(watched)->window() == m_window) {
            qApp->removeEventFilter(this);
            m_window->setProperty(kPaintedProperty, true);
            // After this paint has finished, not inside it.
            QTimer::singleShot(0, this, [this] {
                for (const std::function<void()> &work : m_work)
                    work();
                deleteLater();
            });
        }
        return false;
    }

private:
    QWidget *m_window;
    std::vector<std::function<void()>> m_work;
};

} // namespace

void afterFirstPaint(QWidget *widget, std::function<void()> work)
{
    QWidget *window = widget->window();
    if (window->property(kPaintedProperty).toBool())
        return work();
    // Found by name: without Q_OBJECT, findChild<PaintGate *> would match any QObject.
    auto *gate = dynamic_cast<PaintGate *>(
        window->findChild<QObject *>(QLatin1String(kGateName), Qt::FindDirectChildrenOnly));
    if (!gate)
        gate = new PaintGate(window);
    gate->add([guard = QPointer<QWidget>(widget), work = std::move(work)] {
        if (guard)
            work();
    });
}

} // namespace Opsdeck
