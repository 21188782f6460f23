// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostkey.h"

#include "libssh.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace Opsdeck::KnownHosts {

namespace {

std::optional<bool> hashSettingIn(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    static const QRegularExpression re(QStringLiteral("^\\s*HashKnownHosts\\s*=?\\s*(\\S+)"),
                                       QRegularExpression::CaseInsensitiveOption);
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine());
        const QRegularExpressionMatch m = re.match(line);
        if (m.hasMatch())
            return m.captured(1).compare(QLatin1String("yes"), Qt::CaseInsensitive) == 0;
    }
    return std::nullopt;
}

} // namespace

bool configHashesKnownHosts()
{
    // ssh uses the first value it finds: the user's file first, then the system's.
    QStringList files{QDir::homePath() + QStringLiteral("/.ssh/config")};
    const QDir systemDir(QStringLiteral("/etc/ssh/ssh_config.d"));
    files << QStringLiteral("/etc/ssh/ssh_config");
    for (const QString &f :
         systemDir.entryList({QStringLiteral("*.conf")}, QDir::Files, QDir::Name))
        files.insert(1, systemDir.filePath(f));
    for (const QString &f : files)
        if (const std::optional<bool> v = hashSettingIn(f))
            return *v;
    return false;
}

QByteArray hashHostField(const QByteArray &host, const QByteArray &salt)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    HMAC(EVP_sha1(), salt.constData(), int(salt.size()),
         reinterpret_cast<const unsigned char *>(host.constData()), std::size_t(host.size()), mac,
         &macLength);
    return "|1|" + salt.toBase64() + '|' +
           QByteArray(reinterpret_cast<const char *>(mac), int(macLength)).toBase64();
}

Status appendEntry(const QString &file, const QByteArray &plainEntryLine, bool hashed)
{
    QByteArray line = plainEntryLine.trimmed();
    if (hashed) {
        const qsizetype space = line.indexOf(' ');
        QByteArray salt(20, '\0');
        RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), int(salt.size()));
        line = hashHostField(line.left(space), salt) + line.mid(space);
    }
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile out(file);
    if (!out.open(QIODevice::Append | QIODevice::WriteOnly))
        return Status::failure(QStringLiteral("cannot write %1: %2").arg(file, out.errorString()));
    // Keep the file line-oriented even if its last line lacks a newline.
    if (out.size() > 0) {
        QFile in(file);
        if (in.open(QIODevice::ReadOnly) && in.seek(in.size() - 1) && in.read(1) != "\n")
            out.write("\n");
    }
    out.write(line + '\n');
    return success();
}

namespace {

bool hostFieldMatches(const QByteArray &field, const QByteArray &address)
{
    if (field.startsWith("|1|")) {
        const QList<QByteArray> parts = field.split('|'); // "", "1", salt, hash
        return parts.size() == 4 &&
               hashHostField(address, QByteArray::fromBase64(parts[2])) == field;
    }
    return field.split(',').contains(address);
}

QString fingerprintOfBase64(const QByteArray &type, const QByteArray &base64)
{
    ssh_key key = nullptr;
    if (libssh::ssh_pki_import_pubkey_base64(
            base64.constData(), libssh::ssh_key_type_from_name(type.constData()), &key) != SSH_OK)
        return {};
    unsigned char *hash = nullptr;
    size_t length = 0;
    QString fingerprint;
    if (libssh::ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK) {
        char *text = libssh::ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
        fingerprint = QString::fromUtf8(text);
        libssh::ssh_string_free_char(text);
        libssh::ssh_clean_pubkey_hash(&hash);
    }
    libssh::ssh_key_free(key);
    return fingerprint;
}

} // namespace

QStringList recordedFingerprints(const QString &file, const QString &address)
{
    QStringList fingerprints;
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return fingerprints;
    const QByteArray wanted = address.toUtf8();
    while (!in.atEnd()) {
        const QList<QByteArray> fields = in.readLine().simplified().split(' ');
        if (fields.size() < 3 || fields[0].startsWith('#') || fields[0].startsWith('@'))
            continue;
        if (hostFieldMatches(fields[0], wanted))
            fingerprints << fingerprintOfBase64(fields[1], fields[2]);
    }
    return fingerprints;
}

} // namespace Opsdeck::KnownHosts
