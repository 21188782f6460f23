// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "age.h"
#include "common/result.h"

#include <QList>
#include <QMap>
#include <QString>

namespace Opsdeck::Sops {

/** One line of a dotenv file: `KEY=value` or a `#` comment. */
struct DotenvItem
{
    bool isComment = false;
    QString key;
    QByteArray
        value; // as stored (an ENC[…] envelope when encrypted), `\n` already turned into newlines
};

/** A sops dotenv file: the data lines, then the flattened `sops_…` metadata. */
struct DotenvFile
{
    QList<DotenvItem> items;
    QMap<QString, QString> metadata; // "age__list_0__map_enc" → value, without the sops_ prefix

    static Result<DotenvFile> parse(const QByteArray &text);
    /** The `age[].enc` blocks, in order (top level and key groups). */
    QList<QByteArray> ageDataKeys() const;
};

struct DecryptedDotenv
{
    QList<DotenvItem> items; // plaintext
    QString macStatus;       // "verified", or why not
    bool macVerified = false;
    QString serialize() const;
};

/**
 * Decrypts a sops dotenv file in memory and verifies its MAC; `ignoreMac` (sops --ignore-mac)
 * turns a MAC problem into a status instead of an error.
 */
Result<DecryptedDotenv> decryptDotenv(const QByteArray &text,
                                      const QList<Age::Identity> &identities,
                                      bool ignoreMac = false);

/**
 * Sets KEY to `value` in a sops dotenv file and returns the new file: the other lines keep their
 * bytes (their ciphertext included), lastmodified and the MAC are renewed. Error codes as
 * decryptDotenv's.
 */
Result<QByteArray> setDotenvValue(const QByteArray &text, const QList<Age::Identity> &identities,
                                  const QString &key, const QByteArray &value,
                                  bool ignoreMac = false);

} // namespace Opsdeck::Sops
