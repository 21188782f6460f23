// SPDX-License-Identifier: GPL-3.0-or-later
// afterFirstPaint(): work waits for its window's first paint, runs once after it (not inside
// it), at once when the window has painted already, and never for a widget that is gone.
#include "common/firstpaint.h"

#include <QEvent>
#include <QLabel>
#include <QTest>
#include <QVBoxLayout>

using namespace Opsdeck;

namespace {

/** Counts its paints, so the test can tell when the work ran relative to them. */
class PaintCounter final : public QLabel
{
public:
    using QLabel::QLabel;
    int paints = 0;
    bool painting = false;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        painting = true;
        ++paints;
        QLabel::paintEvent(event);
        painting = false;
    }
};

} // namespace

class TestFirstPaint final : public QObject
{
    Q_OBJECT

private slots:
    void workWaitsForTheWindowsFirstPaint()
    {
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *label = new PaintCounter(QStringLiteral("pane"), &window);
        layout->addWidget(label);
        int ran = 0;
        int paintsWhenRun = -1;
        bool ranInsidePaint = false;
        afterFirstPaint(label, [&] {
            ++ran;
            paintsWhenRun = label->paints;
            ranInsidePaint = label->painting;
        });
        QCoreApplication::processEvents();
        QCOMPARE(ran, 0); // not shown, not painted: nothing yet
        window.show();
        QTRY_COMPARE(ran, 1);
        QVERIFY(paintsWhenRun >= 1);
        QVERIFY(!ranInsidePaint);
        // Painted already: the next work runs at once.
        int later = 0;
        afterFirstPaint(label, [&] { ++later; });
        QCOMPARE(later, 1);
        QTest::qWait(50);
        QCOMPARE(ran, 1); // once
    }

    void workForAWidgetThatIsGoneNeverRuns()
    {
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *doomed = new QLabel(QStringLiteral("closed before painting"), &window);
        layout->addWidget(doomed);
        auto *survivor = new QLabel(QStringLiteral("stays"), &window);
        layout->addWidget(survivor);
        bool doomedRan = false;
        bool survivorRan = false;
        afterFirstPaint(doomed, [&] { doomedRan = true; });
        afterFirstPaint(survivor, [&] { survivorRan = true; });
        delete doomed;
        window.show();
        QTRY_VERIFY(survivorRan);
        QVERIFY(!doomedRan);
    }
};

QTEST_MAIN(TestFirstPaint)
#include "tst_firstpaint.moc"
