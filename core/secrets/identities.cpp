// SPDX-License-Identifier: GPL-3.0-or-later
#include "identities.h"

#include "agecrypto.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>

#include <sys/prctl.h>
#include <sys/resource.h>

namespace Opsdeck::Sops {

void keepSecretsOutOfCoreDumps()
{
    // Once a key is in memory, a crash must not write it to a core file, and another process of
    // the same user must not read it through ptrace or /proc/<pid>/mem.
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void parseKeysFile(const QByteArray &text, const QString &source, LoadedIdentities &into,
                   const QHash<QString, QByteArray> &passphrases)
{
    const QByteArray trimmed = text.trimmed();
    if (trimmed.startsWith("age-encryption") || trimmed.startsWith("-----BEGIN AGE")) {
        // A keys file encrypted with `age -p`: opened with the passphrase the user gave for it.
        const QByteArray passphrase = passphrases.value(source);
        Age::Decrypted opened = Age::decrypt(text, {}, passphrase);
        if (!opened.ok()) {
            into.lockedFiles << source;
            if (!passphrase.isEmpty())
                into.problems << QStringLiteral("%1: %2").arg(source, opened.error);
            return;
        }
        parseKeysFile(opened.plaintext, source, into);
        AgeCrypto::cleanse(opened.plaintext);
        return;
    }
    int lineNumber = 0;
    bool found = false;
    QList<QByteArray> lines = text.split('\n');
    for (QByteArray &line : lines) {
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        QList<QByteArray> words = line.simplified().split(' ');
        const auto wipe = qScopeGuard([&line, &words] { // copies of key material
            AgeCrypto::cleanse(line);
            for (QByteArray &w : words)
                AgeCrypto::cleanse(w);
        });
        for (const QByteArray &word : std::as_const(words)) {
            if (word.isEmpty() || word.startsWith('#'))
                break;
            if (word.startsWith("AGE-SECRET-KEY-PQ-1") || word.startsWith("AGE-PLUGIN-")) {
                into.problems << QStringLiteral(
                                     "%1:%2: hybrid and plugin identities are not supported")
                                     .arg(source)
                                     .arg(lineNumber);
                continue;
            }
            const Result<Age::Identity> identity = Age::Identity::parse(QString::fromLatin1(word));
            if (!identity) {
                // The message describes the problem; it never repeats the line (it is key
                // material).
                into.problems << QStringLiteral("%1:%2: %3")
                                     .arg(source)
                                     .arg(lineNumber)
                                     .arg(identity.errorString());
                continue;
            }
            into.identities << *identity;
            found = true;
        }
    }
    if (found) {
        into.sources << source;
        keepSecretsOutOfCoreDumps();
    }
}

LoadedIdentities loadIdentities(const QHash<QString, QByteArray> &passphrases)
{
    LoadedIdentities out;
    if (qEnvironmentVariableIsSet("SOPS_AGE_KEY")) {
        QByteArray key = qgetenv("SOPS_AGE_KEY");
        parseKeysFile(key, QStringLiteral("SOPS_AGE_KEY"), out);
        AgeCrypto::cleanse(key);
    }
    QStringList files;
    if (qEnvironmentVariableIsSet("SOPS_AGE_KEY_FILE"))
        files << qEnvironmentVariable("SOPS_AGE_KEY_FILE");
    const QString config =
        qEnvironmentVariable("XDG_CONFIG_HOME", QDir::homePath() + QStringLiteral("/.config"));
    const QString defaultFile = config + QStringLiteral("/sops/age/keys.txt");
    if (!files.contains(defaultFile))
        files << defaultFile;
    for (const QString &path : files) {
        QFile file(path);
        if (!file.exists()) {
            if (path != defaultFile) // the default is optional; a named file is not
                out.problems << QStringLiteral("%1: no such file (SOPS_AGE_KEY_FILE)").arg(path);
            continue;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            out.problems << QStringLiteral("%1: %2").arg(path, file.errorString());
            continue;
        }
        QByteArray text = file.readAll();
        parseKeysFile(text, path, out, passphrases);
        AgeCrypto::cleanse(text);
    }
    return out;
}

} // namespace Opsdeck::Sops
