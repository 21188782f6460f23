// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Opsdeck::KnownHosts {

/**
 * One known_hosts line (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): an optional marker, host
 * patterns (comma-separated, `*`/`?` wildcards, `!` negation, `[host]:port`) or one hashed
 * `|1|salt|hmac` field, the key type and the key.
 */
struct Entry
{
    enum class Marker { None, Revoked, CertAuthority };
    Marker marker = Marker::None;
    QByteArray hosts;
    QByteArray keyType;
    QByteArray key; // the decoded key blob
    QString source; // "file:line"
};

/** What a file held, and the lines that were skipped (each named by file:line and why). */
struct Parsed
{
    QList<Entry> entries;
    QStringList warnings;
};

/** Lines longer than this are skipped (with a warning), never the rest of the file. */
constexpr qsizetype kMaxLineBytes = 64 * 1024;
/** A file larger than this is read up to here (with a warning). */
constexpr qsizetype kMaxFileBytes = 16 * 1024 * 1024;

/** Any bytes: entries and warnings; a bad line never hides the lines after it. */
Parsed parse(const QByteArray &text, const QString &fileName);
/** parse() of a file; a missing file is empty, not an error. */
Parsed read(const QString &path);

/** OpenSSH's match_hostname over one host field: a negated pattern that matches wins. */
bool hostMatches(const QByteArray &hostField, const QByteArray &address);

struct Verdict
{
    enum class Status { Known, Unknown, Changed, Revoked };
    Status status = Status::Unknown;
    QStringList recorded; // "file:line" of the entries for this host (for messages)
    QString revokedBy;    // "file:line" of the @revoked line
};

/**
 * The server's key (`keyType`, decoded `key`) for `address` ("host" or "[host]:port"): Revoked
 * if a matching @revoked line lists it; Known if a matching plain line does; Changed if some
 * other key is recorded for the host (of any type: stricter than OpenSSH, which would ask for a
 * key of a new type); Unknown otherwise. @cert-authority lines do not vouch for plain keys.
 */
Verdict verify(const QList<Entry> &entries, const QByteArray &address, const QByteArray &keyType,
               const QByteArray &key);

/** The @cert-authority lines that match `address`, in file order. */
QList<Entry> authoritiesFor(const QList<Entry> &entries, const QByteArray &address);

/** The @revoked line that lists this key blob for `address`, or "" (any key type). */
QString revokedBy(const QList<Entry> &entries, const QByteArray &address, const QByteArray &key);

} // namespace Opsdeck::KnownHosts
