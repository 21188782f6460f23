// SPDX-License-Identifier: GPL-3.0-or-later
// What hostile input costs: one process per measurement (bench/hostile.sh), printing the time
// and the growth of its peak resident memory.
//   bench-hostile lines MIB      a newline-free host stream of MIB MiB through the line splitter
//   bench-hostile series MIB     a Prometheus matrix of empty series, MIB MiB of JSON
//   bench-hostile awk MIB        the same newline-free stream through awk (a peer's reading)
#include "deploy/hostlines.h"
#include "metrics/promresponse.h"

#include <QElapsedTimer>
#include <QProcess>

#include <cstdio>

#include <sys/resource.h>

using namespace Opsdeck;

namespace {

long peakKiB()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void report(const char *what, int mib, qint64 ns, long before)
{
    std::printf("%-8s %5d MiB  %9.1f ms  %7.1f ns/byte  peak RSS +%ld MiB\n", what, mib,
                double(ns) / 1e6, double(ns) / (double(mib) * 1024 * 1024),
                (peakKiB() - before) / 1024);
}

} // namespace

int main(int argc, char **argv)
{
    const QByteArray mode = argc > 1 ? argv[1] : "lines";
    const int mib = argc > 2 ? std::atoi(argv[2]) : 10;
    const long before = peakKiB();
    QElapsedTimer clock;
    if (mode == "lines") {
        const QByteArray chunk(64 * 1024, 'x'); // what an SSH channel hands over at a time
        qint64 emitted = 0;
        HostLineSplitter splitter(
            [&emitted](const QString &, const QByteArray &l) { emitted += l.size(); });
        clock.start();
        for (int i = 0; i < mib * 16; ++i)
            splitter.write(QStringLiteral("h"), chunk);
        splitter.write(QStringLiteral("h"), "\n");
        report("lines", mib, clock.nsecsElapsed(), before);
    } else if (mode == "series") {
        QByteArray body = R"({"status":"success","data":{"resultType":"matrix","result":[)";
        const QByteArray one = R"({"metric":{"__name__":"x"},"values":[]},)";
        while (body.size() < qint64(mib) * 1024 * 1024)
            body += one;
        body.chop(1);
        body += "]}}";
        const long afterBody = peakKiB();
        clock.start();
        const auto read = parsePrometheusResponse(body, 200, QueryGrid{0, 86'400'000, 7'854});
        report("series", mib, clock.nsecsElapsed(), afterBody);
        if (!read)
            std::printf("         (%s)\n", qPrintable(read.errorString()));
    } else if (mode == "awk") {
        QProcess awk;
        clock.start();
        awk.start(QStringLiteral("sh"),
                  {QStringLiteral("-c"),
                   QStringLiteral("head -c %1 /dev/zero | tr '\\0' x | awk '{ n += length($0) } "
                                  "END { print n }' >/dev/null")
                       .arg(qint64(mib) * 1024 * 1024)});
        awk.waitForFinished(-1);
        std::printf("%-8s %5d MiB  %9.1f ms  (awk holds the whole line: its RSS grows with it)\n",
                    "awk", mib, double(clock.nsecsElapsed()) / 1e6);
    }
    return 0;
}
