// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"
#include "knownhosts.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>

namespace Opsdeck::HostCert {

/**
 * An OpenSSH certificate (PROTOCOL.certkeys): the certified key, who it is for and until when,
 * and the CA's signature over everything before the signature field.
 */
struct Certificate
{
    QByteArray certType;     // "ssh-ed25519-cert-v01@openssh.com"
    QByteArray plainKeyType; // "ssh-ed25519"
    QByteArray plainKeyBlob; // the certified key as a plain public key blob
    quint64 serial = 0;
    quint32 type = 0; // 1 user, 2 host
    QByteArray keyId;
    QList<QByteArray> principals;
    quint64 validAfter = 0; // seconds since the epoch
    quint64 validBefore = 0;
    QByteArray criticalOptions;
    QByteArray caKeyBlob;   // the signing CA's public key blob
    QByteArray signedBytes; // the certificate up to its signature
    QByteArray signature;   // string algorithm, string signature
};

constexpr quint32 kHostCertificate = 2;
/** An SSH packet's payload is at most this long (RFC 4253 §6.1 asks for 32768 at least). */
constexpr qsizetype kMaxCertificateBytes = 32 * 1024;

/** The certificate algorithms to offer for a negotiated plain host-key type ("" if none). */
QByteArray certificateAlgorithmsFor(const QByteArray &plainKeyType);

/** Parses a certificate blob; any malformed or truncated field is an error. */
Result<Certificate> parse(const QByteArray &blob);

/** The CA signature over the certificate (Ed25519, ECDSA P-256/384/521, RSA SHA-2). */
Status verifySignature(const Certificate &cert);

/**
 * What OpenSSH's client checks of a host certificate besides the CA: a host certificate, signed
 * correctly, valid now, no critical options, and `hostName` among the principals (an empty
 * list is valid for any host, as in OpenSSH). The error reads like OpenSSH's.
 */
Status checkForHost(const Certificate &cert, const QByteArray &hostName, const QDateTime &now);

/** What the known_hosts @cert-authority lines say of a certificate the server sent. */
struct Vouch
{
    enum class Status { Vouched, Revoked, Invalid };
    Status status = Status::Invalid;
    QString reason; // why not, in OpenSSH's words where it has them
    QString source; // "file:line" of the CA line that vouched, or of the @revoked line
};

/**
 * Whether `certificateBlob` makes `sessionKey` (the plain key the session negotiated and proved
 * it holds) trusted for `hostName` at `address` ("[host]:port" form): the certificate certifies
 * exactly that key, its CA is listed by a matching @cert-authority line and not @revoked, and
 * checkForHost() passes.
 */
Vouch vouchFor(const QByteArray &certificateBlob, const QByteArray &sessionKey,
               const QByteArray &hostName, const QByteArray &address,
               const QList<KnownHosts::Entry> &entries, const QDateTime &now);

} // namespace Opsdeck::HostCert
