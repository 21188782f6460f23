// SPDX-License-Identifier: GPL-3.0-or-later
// Per-host line splitting: whole lines across chunks, progress bars, and bounded memory for a
// hostile stream with no newline.
#include "deploy/hostlines.h"

#include <QTest>

using namespace Opsdeck;

class TestHostLines final : public QObject
{
    Q_OBJECT

    QList<QPair<QString, QByteArray>> m_lines;
    HostLineSplitter splitter()
    {
        m_lines.clear();
        return HostLineSplitter(
            [this](const QString &h, const QByteArray &l) { m_lines << qMakePair(h, l); });
    }

private slots:
    void linesAcrossChunksAndHosts()
    {
        HostLineSplitter s = splitter();
        s.write(QStringLiteral("a"), "one\r");
        s.write(QStringLiteral("b"), "other host\n");
        s.write(QStringLiteral("a"), "\ntw");
        s.write(QStringLiteral("a"), "o\n");
        s.write(QStringLiteral("a"), "10%\r20%\r");
        s.write(QStringLiteral("a"), "30%\r100%\nend");
        s.flush();
        const QList<QPair<QString, QByteArray>> expected = {{QStringLiteral("b"), "other host"},
                                                            {QStringLiteral("a"), "one"},
                                                            {QStringLiteral("a"), "two"},
                                                            {QStringLiteral("a"), "100%"},
                                                            {QStringLiteral("a"), "end"}};
        QCOMPARE(m_lines, expected);
    }

    void aNewlineFreeStreamIsCutAndBounded()
    {
        HostLineSplitter s = splitter();
        const QByteArray chunk(64 * 1024, 'x');
        for (int i = 0; i < 50 * 16; ++i) // 50 MiB, no newline
            s.write(QStringLiteral("h"), chunk);
        s.write(QStringLiteral("h"), "tail of the long line\nnext\n");
        QCOMPARE(m_lines.size(), 2);
        QCOMPARE(m_lines.at(0).second.size(),
                 HostLineSplitter::kMaxLineBytes + HostLineSplitter::truncationMarker().size());
        QVERIFY(m_lines.at(0).second.endsWith(HostLineSplitter::truncationMarker()));
        QCOMPARE(m_lines.at(1).second, QByteArray("next"));
    }

    void aProgressBarWithoutNewlinesStaysSmall()
    {
        HostLineSplitter s = splitter();
        for (int i = 0; i < 200000; ++i)
            s.write(QStringLiteral("h"), QByteArray::number(i % 100) + "%\r");
        s.write(QStringLiteral("h"), "done\n");
        QCOMPARE(m_lines.size(), 1); // never cut: only the last redraw was ever kept
        QCOMPARE(m_lines.first().second, QByteArray("done"));
    }
};

QTEST_GUILESS_MAIN(TestHostLines)
#include "tst_hostlines.moc"
