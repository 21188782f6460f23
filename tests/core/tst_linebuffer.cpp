// SPDX-License-Identifier: GPL-3.0-or-later
// LineBuffer: what a log stream received, handed to the parser as whole lines, in order, with
// nothing lost, duplicated or copied where it need not be.
#include "logs/linebuffer.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Opsdeck;

class TestLineBuffer final : public QObject
{
    Q_OBJECT

    static QByteArray takeAll(LineBuffer &buffer, qsizetype maxBytes)
    {
        QByteArray out;
        while (!buffer.isEmpty()) {
            const LineBuffer::Lines lines = buffer.take(maxBytes);
            // Whole lines only, and no more than asked unless one line is longer.
            if (lines.size() == 0 || lines.bytes.at(lines.end - 1) != '\n')
                return "not whole lines";
            out += QByteArrayView(lines.bytes).sliced(lines.begin, lines.size());
        }
        return out;
    }

private slots:
    void everyLineArrivesOnceInOrderWhereverTheBuffersAreCut_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<qsizetype>("maxBytes");
        QTest::newRow("small takes") << 1u << qsizetype(300);
        QTest::newRow("medium takes") << 2u << qsizetype(64 * 1024);
        QTest::newRow("one take") << 3u << qsizetype(64 * 1024 * 1024);
    }
    void everyLineArrivesOnceInOrderWhereverTheBuffersAreCut()
    {
        QFETCH(quint32, seed);
        QFETCH(qsizetype, maxBytes);
        QRandomGenerator random(seed);
        QByteArray text;
        for (int i = 0; i < 20'000; ++i)
            text += "line " + QByteArray::number(i) + ' ' +
                    QByteArray(random.bounded(200), char('a' + i % 26)) + '\n';
        LineBuffer buffer(64 * 1024);
        QByteArray taken;
        for (qsizetype at = 0; at < text.size();) {
            // Pieces from one byte to several lines, often ending mid-line.
            const qsizetype piece = qMin<qsizetype>(text.size() - at, 1 + random.bounded(5000));
            buffer.add(text.mid(at, piece));
            at += piece;
            if (random.bounded(3) == 0)
                taken += takeAll(buffer, maxBytes); // the parser sometimes keeps up
        }
        taken += takeAll(buffer, maxBytes);
        QCOMPARE(taken.size(), text.size());
        QVERIFY(taken == text);
    }

    void aReceivedBufferIsHandedOnWithoutACopy()
    {
        QByteArray received;
        for (int i = 0; i < 10'000; ++i)
            received += "GET /timeline/" + QByteArray::number(i) + " 200\n";
        LineBuffer buffer(64 * 1024);
        buffer.add(received);
        const LineBuffer::Lines lines = buffer.take(2 * 1024 * 1024);
        QCOMPARE(lines.bytes.constData(), received.constData()); // shared, not copied
        QCOMPARE(lines.begin, qsizetype(0));
        QCOMPARE(lines.end, received.size());
        QVERIFY(buffer.isEmpty());
    }

    void aBigBufferIsTakenInPiecesCutAtLineEnds()
    {
        QByteArray received;
        for (int i = 0; i < 10'000; ++i)
            received += "line " + QByteArray::number(i) + '\n';
        LineBuffer buffer(64 * 1024);
        buffer.add(received);
        int pieces = 0;
        QByteArray taken;
        while (!buffer.isEmpty()) {
            const LineBuffer::Lines lines = buffer.take(4096);
            QVERIFY(lines.size() <= 4096);
            QCOMPARE(lines.bytes.at(lines.end - 1), '\n');
            QCOMPARE(lines.bytes.constData(), received.constData());
            taken += QByteArrayView(lines.bytes).sliced(lines.begin, lines.size());
            ++pieces;
        }
        QVERIFY(pieces > 1);
        QVERIFY(taken == received);
    }

    void aLineWithoutEndIsBoundedAndFlushed()
    {
        LineBuffer buffer(1000);
        buffer.add(QByteArray(100'000, 'x')); // a stream that never sends a newline
        QVERIFY(buffer.isEmpty());
        buffer.add("yz\nnext");
        LineBuffer::Lines first = buffer.take(1 << 20);
        QCOMPARE(first.size(), qsizetype(1000 + 3)); // cut at 1000, then the rest of its line
        buffer.flush();                              // the stream ended without a last newline
        const LineBuffer::Lines last = buffer.take(1 << 20);
        QCOMPARE(QByteArrayView(last.bytes).sliced(last.begin, last.size()), "next\n");
        buffer.add("half a li");
        buffer.dropPartial(); // a new connection
        buffer.add("ne\n");
        const LineBuffer::Lines fresh = buffer.take(1 << 20);
        QCOMPARE(QByteArrayView(fresh.bytes).sliced(fresh.begin, fresh.size()), "ne\n");
    }
};

QTEST_GUILESS_MAIN(TestLineBuffer)
#include "tst_linebuffer.moc"
