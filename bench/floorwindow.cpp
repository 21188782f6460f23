// SPDX-License-Identifier: GPL-3.0-or-later
// The start-up floor: a bare Qt Widgets window that quits after its first paint, exactly as
// `opsdeck --quit-after-first-paint` does. Opsdeck's start-up is measured against this.
#include <QApplication>
#include <QLabel>
#include <QMainWindow>
#include <QTimer>

namespace {

class QuitOnFirstPaint final : public QObject
{
public:
    explicit QuitOnFirstPaint(QWidget *window)
        : m_window(window)
    {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (!m_fired && event->type() == QEvent::Paint && watched->isWidgetType() &&
            static_cast<QWidget *>(watched)->window() == m_window) {
            m_fired = true;
            QTimer::singleShot(0, qApp, &QCoreApplication::quit);
        }
        return false;
    }

private:
    QWidget *m_window;
    bool m_fired = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("floor"), &window));
    window.resize(1280, 760);
    app.installEventFilter(new QuitOnFirstPaint(&window));
    window.show();
    return app.exec();
}
