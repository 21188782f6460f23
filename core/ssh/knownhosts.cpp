// SPDX-License-Identifier: GPL-3.0-or-later
#include "knownhosts.h"

#include "hostkey.h"

#include <QFile>

namespace Opsdeck::KnownHosts {

namespace {

/** OpenSSH's match_pattern: `*` any run, `?` any one character. Greedy with one backtrack point
 * (the last `*`): O(text × pattern), never exponential on a crafted pattern. */
bool wildcardMatches(const char *text, const char *textEnd, const char *pattern,
                     const char *patternEnd)
{
    const char *star = nullptr, *resume = nullptr;
    while (text < textEnd) {
        if (pattern < patternEnd && (*pattern == '?' || *pattern == *text)) {
            ++pattern;
            ++text;
        } else if (pattern < patternEnd && *pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (pattern < patternEnd && *pattern == '*')
        ++pattern;
    return pattern == patternEnd;
}

bool hashedMatches(const QByteArray &field, const QByteArray &address)
{
    const QList<QByteArray> parts = field.split('|'); // "", "1", salt, hmac
    return parts.size() == 4 && parts[1] == "1" &&
           hashHostField(address, QByteArray::fromBase64(parts[2])) == field;
}

std::optional<Entry> parseLine(const QByteArray &line, const QString &source, QString *why)
{
    QList<QByteArray> fields = line.simplified().split(' ');
    Entry e;
    e.source = source;
    if (fields.value(0).startsWith('@')) {
        const QByteArray marker = fields.takeFirst();
        if (marker == "@revoked")
            e.marker = Entry::Marker::Revoked;
        else if (marker == "@cert-authority")
            e.marker = Entry::Marker::CertAuthority;
        else {
            *why = QStringLiteral("unknown marker %1").arg(QString::fromLatin1(marker.left(40)));
            return std::nullopt;
        }
    }
    if (fields.size() < 3) {
        *why = QStringLiteral("not 'hosts keytype key'");
        return std::nullopt;
    }
    e.hosts = fields[0];
    e.keyType = fields[1];
    const auto decoded =
        QByteArray::fromBase64Encoding(fields[2], QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() < 8) {
        *why = QStringLiteral("the key is not base64");
        return std::nullopt;
    }
    e.key = decoded.decoded;
    return e;
}

} // namespace

bool hostMatches(const QByteArray &hostField, const QByteArray &address)
{
    if (hostField.startsWith("|1|"))
        return hashedMatches(hostField, address);
    const QByteArray lowered = address.toLower();
    bool matched = false;
    for (const QByteArray &raw : hostField.split(',')) {
        const bool negated = raw.startsWith('!');
        const QByteArray pattern = (negated ? raw.mid(1) : raw).toLower();
        if (!wildcardMatches(lowered.constData(), lowered.constData() + lowered.size(),
                             pattern.constData(), pattern.constData() + pattern.size()))
            continue;
        if (negated)
            return false;
        matched = true;
    }
    return matched;
}

Parsed parse(const QByteArray &text, const QString &fileName)
{
    Parsed out;
    qsizetype start = 0;
    int lineNumber = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        ++lineNumber;
        const QString source = QStringLiteral("%1:%2").arg(fileName).arg(lineNumber);
        const qsizetype length = end - start;
        if (length > kMaxLineBytes) {
            out.warnings << QStringLiteral("%1: longer than %2 KiB, skipped")
                                .arg(source)
                                .arg(kMaxLineBytes / 1024);
        } else {
            const QByteArray line = text.mid(start, length).trimmed();
            if (!line.isEmpty() && !line.startsWith('#')) {
                QString why;
                if (std::optional<Entry> e = parseLine(line, source, &why))
                    out.entries << *e;
                else
                    out.warnings << QStringLiteral("%1: %2, skipped").arg(source, why);
            }
        }
        start = end + 1;
    }
    return out;
}

Parsed read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    Parsed parsed = parse(file.read(kMaxFileBytes), path);
    if (!file.atEnd())
        parsed.warnings << QStringLiteral("%1: only its first %2 MiB were read")
                               .arg(path)
                               .arg(kMaxFileBytes / (1024 * 1024));
    return parsed;
}

Verdict verify(const QList<Entry> &entries, const QByteArray &address, const QByteArray &keyType,
               const QByteArray &key)
{
    Verdict verdict;
    bool known = false;
    for (const Entry &e : entries) {
        if (!hostMatches(e.hosts, address))
            continue;
        const bool same = e.keyType == keyType && e.key == key;
        switch (e.marker) {
        case Entry::Marker::Revoked:
            if (same) {
                verdict.status = Verdict::Status::Revoked;
                verdict.revokedBy = e.source;
                return verdict; // a revoked key is refused whatever else is recorded
            }
            break;
        case Entry::Marker::CertAuthority:
            break;
        case Entry::Marker::None:
            verdict.recorded << e.source;
            known = known || same;
            break;
        }
    }
    verdict.status = known                        ? Verdict::Status::Known
                     : verdict.recorded.isEmpty() ? Verdict::Status::Unknown
                                                  : Verdict::Status::Changed;
    return verdict;
}

QList<Entry> authoritiesFor(const QList<Entry> &entries, const QByteArray &address)
{
    QList<Entry> out;
    for (const Entry &e : entries)
        if (e.marker == Entry::Marker::CertAuthority && hostMatches(e.hosts, address))
            out << e;
    return out;
}

QString revokedBy(const QList<Entry> &entries, const QByteArray &address, const QByteArray &key)
{
    for (const Entry &e : entries)
        if (e.marker == Entry::Marker::Revoked && e.key == key && hostMatches(e.hosts, address))
            return e.source;
    return {};
}

} // namespace Opsdeck::KnownHosts
