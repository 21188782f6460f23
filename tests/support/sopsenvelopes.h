// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QSet>
#include <QString>

/** Every `ENC[…]` envelope of a sops file (values, comments and the MAC): comparing the sets
 * before and after a save shows which ciphertexts changed. */
inline QSet<QString> sopsEnvelopes(const QByteArray &text)
{
    static const QRegularExpression enc(QStringLiteral("ENC\\[AES256_GCM,[^\\]]*\\]"));
    QSet<QString> out;
    for (auto it = enc.globalMatch(QString::fromUtf8(text)); it.hasNext();)
        out << it.next().captured();
    return out;
}
