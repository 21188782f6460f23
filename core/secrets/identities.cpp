// SPDX-License-Identifier: GPL-3.0-or-later
#include "identities.h"

#include "agecrypto.h"

#include <QDir>
#include <QFile>

namespace Opsdeck::Sops {

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
    for (QByteArray line : text.split('\n')) {
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        for (const QByteArray &word : line.simplified().split(' ')) {
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
    if (found)
        into.sources << source;
}

LoadedIdentities loadIdentities(const QHash<QString, QByteArray> &passphrases)
{
    LoadedIdentities out;
    if (qEnvironmentVariableIsSet("SOPS_AGE_KEY"))
        parseKeysFile(qgetenv("SOPS_AGE_KEY"), QStringLiteral("SOPS_AGE_KEY"), out);
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
        parseKeysFile(file.readAll(), path, out, passphrases);
    }
    return out;
}

} // namespace Opsdeck::Sops
