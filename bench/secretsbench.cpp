// SPDX-License-Identifier: GPL-3.0-or-later
// Times decrypt + MAC verification and encryption of one sops JSON (or binary-store) file in
// process, the way the Secrets pane does it (bench/secrets.sh makes the files).
//   secretsbench FILE KEYS_FILE RUNS
#include "secrets/agecrypto.h"
#include "secrets/identities.h"
#include "secrets/sopstree.h"

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
    QList<double> decryptMs, encryptMs;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer clock;
        clock.start();
        const Result<Sops::Node> root = Sops::Json::parse(text);
        Sops::Node data = *root;
        data.map.removeIf([](const auto &item) { return item.first == QLatin1String("sops"); });
        Sops::Node metadata = *root->child(QStringLiteral("sops"));
        const auto decrypted =
            Sops::decryptTree(data, metadata, identities.identities, false, true);
        if (!decrypted || !decrypted->macVerified) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(decrypted ? decrypted->macStatus : decrypted.errorString()));
            return 1;
        }
        decryptMs << double(clock.nsecsElapsed()) / 1e6;
        clock.restart();
        const QByteArray key = AgeCrypto::randomBytes(32); // a fresh key: every value re-encrypted
        Sops::Node out = Sops::encryptTree(decrypted->data, metadata, key, {});
        out.map.append({QStringLiteral("sops"), metadata});
        const QByteArray written = Sops::Json::write(out);
        encryptMs << double(clock.nsecsElapsed()) / 1e6;
        if (written.isEmpty())
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
