// SPDX-License-Identifier: GPL-3.0-or-later
// Times decrypt + MAC verification and encryption of one sops file (any store) in process, the
// way the Secrets pane opens and saves it (bench/secrets.sh makes the files).
//   secretsbench FILE KEYS_FILE RUNS
#include "secrets/identities.h"
#include "secrets/sopsdocument.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace Opsdeck;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: secretsbench FILE KEYS_FILE RUNS\n");
        return 2;
    }
    QFile file(QString::fromLocal8Bit(argv[1])), keys(QString::fromLocal8Bit(argv[2]));
    if (!file.open(QIODevice::ReadOnly) || !keys.open(QIODevice::ReadOnly))
        return 1;
    const QByteArray text = file.readAll();
    Sops::LoadedIdentities identities;
    Sops::parseKeysFile(keys.readAll(), keys.fileName(), identities);
    const int runs = std::max(1, std::atoi(argv[3]));
    const Sops::Format format = Sops::formatForPath(file.fileName());
    QList<double> decryptMs, encryptMs;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer clock;
        clock.start();
        Result<Sops::SopsDocument> opened =
            Sops::SopsDocument::open(text, format, identities.identities);
        if (!opened || !opened->macVerified()) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(opened ? opened->macStatus() : opened.errorString()));
            return 1;
        }
        decryptMs << double(clock.nsecsElapsed()) / 1e6;
        Sops::SopsDocument doc = std::move(opened).value();
        if (!doc.rotate()) // a fresh key: every value is encrypted again, none reused
            return 1;
        clock.restart();
        const Result<QByteArray> written = doc.serialize();
        encryptMs << double(clock.nsecsElapsed()) / 1e6;
        if (!written)
            return 1;
    }
    std::sort(decryptMs.begin(), decryptMs.end());
    std::sort(encryptMs.begin(), encryptMs.end());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf(
        "%-44s decrypt+MAC %8.2f ms   encrypt %8.2f ms   peak RSS %4ld MB   (median of %d)\n",
        qPrintable(QStringLiteral("opsdeck, %1")
                       .arg(QString::fromLocal8Bit(argv[1]).section(QLatin1Char('/'), -1))),
        decryptMs[decryptMs.size() / 2], encryptMs[encryptMs.size() / 2], usage.ru_maxrss / 1024,
        runs);
    return 0;
}
