// SPDX-License-Identifier: GPL-3.0-or-later
#include "dotenvfile.h"

#include <QRegularExpression>
#include <QSet>

namespace Opsdeck {

namespace {

bool isKeyStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isKeyChar(char c)
{
    return isKeyStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/** The end of the line starting at `from`: the index just past its '\n' (or the end). */
qsizetype lineEnd(const QByteArray &bytes, qsizetype from)
{
    const qsizetype nl = bytes.indexOf('\n', from);
    return nl < 0 ? bytes.size() : nl + 1;
}

QString unescapeDouble(const QByteArray &inner)
{
    QByteArray out;
    for (qsizetype i = 0; i < inner.size(); ++i) {
        const char c = inner.at(i);
        if (c != '\\' || i + 1 == inner.size()) {
            out += c;
            continue;
        }
        const char e = inner.at(++i);
        switch (e) {
        case 'n':
            out += '\n';
            break;
        case 't':
            out += '\t';
            break;
        case 'r':
            out += '\r';
            break;
        case '"':
            out += '"';
            break;
        case '\\':
            out += '\\';
            break;
        default:
            out += '\\', out += e;
            break; // unknown escapes stay as written
        }
    }
    return QString::fromUtf8(out).replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
}

/** Parses what follows '=' in `text` (which may continue on later lines for double quotes). */
void parseValue(const QByteArray &text, qsizetype at, DotenvFile::Entry &e, qsizetype *consumed)
{
    const auto eolAt = [&text](qsizetype from) {
        const qsizetype nl = text.indexOf('\n', from);
        return nl < 0 ? text.size() : nl;
    };
    if (at < text.size() && (text.at(at) == '\'' || text.at(at) == '"')) {
        const char q = text.at(at);
        e.quote = q;
        qsizetype i = at + 1;
        while (i < text.size() && text.at(i) != q && (q == '"' || text.at(i) != '\n')) {
            if (q == '"' && text.at(i) == '\\')
                ++i;
            ++i;
        }
        if (i >= text.size() || text.at(i) != q) { // no closing quote: one line, marked
            e.unterminated = true;
            const qsizetype end = eolAt(at);
            e.value = QString::fromUtf8(text.mid(at + 1, end - at - 1)).trimmed();
            *consumed = lineEnd(text, at);
            return;
        }
        const QByteArray inner = text.mid(at + 1, i - at - 1);
        e.value = q == '"' ? unescapeDouble(inner) : QString::fromUtf8(inner);
        const qsizetype end = eolAt(i);
        const QByteArray rest = text.mid(i + 1, end - i - 1).trimmed();
        if (rest.startsWith('#'))
            e.comment = QString::fromUtf8(rest.mid(1)).trimmed();
        *consumed = lineEnd(text, i);
        return;
    }
    const qsizetype end = eolAt(at);
    QByteArray raw = text.mid(at, end - at);
    if (raw.endsWith('\r'))
        raw.chop(1);
    const qsizetype hash = raw.indexOf(" #");
    if (hash >= 0 || raw.startsWith('#')) {
        const qsizetype h = hash >= 0 ? hash : 0;
        e.comment = QString::fromUtf8(raw.mid(h).trimmed().mid(1)).trimmed();
        raw = raw.left(h);
    }
    e.value = QString::fromUtf8(raw.trimmed());
    *consumed = lineEnd(text, at);
}

bool needsQuotes(const QString &value)
{
    // Anchored, not ^…$: `$` also matches before a final line break ("d\n" would pass).
    static const QRegularExpression plain(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_./:@%+,=-]*")));
    return !plain.match(value).hasMatch();
}

/** Single quotes are literal to sh, bash and docker compose; python-dotenv alone reads \\ and
 * \' in them, and none of them interpolates. */
bool fitsSingleQuotes(const QString &value)
{
    return !value.contains(QLatin1Char('\'')) && !value.contains(QLatin1Char('\n')) &&
           !value.contains(QLatin1Char('\r')) && !value.contains(QStringLiteral("\\\\")) &&
           !value.endsWith(QLatin1Char('\\'));
}

/** Double quotes: sh would run $(...) and `...` in them, and compose and python-dotenv would
 * interpolate ${...} with no escape all four agree on; so no $ and no backtick. */
bool fitsDoubleQuotes(const QString &value)
{
    return !value.contains(QLatin1Char('$')) && !value.contains(QLatin1Char('`')) &&
           !value.contains(QLatin1Char('\r'));
}

QByteArray quoteDouble(const QString &value)
{
    QString v = value;
    // \\ and \" read back the same in all four; a line break is written as itself (sh would
    // keep a \n as two characters).
    v.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return '"' + v.toUtf8() + '"';
}

/** The value as written after '=', or nothing when no quoting reads back the same everywhere.
 * `preferred` is the quote the line used before, kept where it still works. */
std::optional<QByteArray> quoteValue(const QString &value, char preferred)
{
    // python-dotenv expands ${NAME} in every kind of quotes and has no escape for it.
    static const QRegularExpression dotenvVariable(QStringLiteral("\\$\\{[^}]*\\}"));
    if (value.contains(dotenvVariable))
        return std::nullopt;
    if (preferred == '\'' && fitsSingleQuotes(value))
        return '\'' + value.toUtf8() + '\'';
    if (preferred == '"' && fitsDoubleQuotes(value))
        return quoteDouble(value);
    if (!needsQuotes(value))
        return value.toUtf8();
    if (fitsSingleQuotes(value))
        return '\'' + value.toUtf8() + '\'';
    if (fitsDoubleQuotes(value))
        return quoteDouble(value);
    return std::nullopt;
}

Status unquotable(const QString &key)
{
    return Status::failure(
        QStringLiteral("%1: this value holds ${...}, or mixes a quote, backslash or line break "
                       "with $ or a backtick; no quoting makes sh, docker compose and "
                       "python-dotenv all read it back unchanged, so it is not written")
            .arg(key));
}

} // namespace

bool DotenvFile::isValidKey(const QString &key)
{
    static const QRegularExpression name(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*")));
    return name.match(key).hasMatch();
}

DotenvFile DotenvFile::parse(const QByteArray &bytes)
{
    DotenvFile file;
    const qsizetype firstNl = bytes.indexOf('\n');
    if (firstNl > 0 && bytes.at(firstNl - 1) == '\r')
        file.m_eol = "\r\n";
    qsizetype pos = 0;
    int line = 1;
    while (pos < bytes.size()) {
        Entry e;
        e.line = line;
        qsizetype i = pos;
        while (i < bytes.size() && (bytes.at(i) == ' ' || bytes.at(i) == '\t'))
            ++i;
        qsizetype end = lineEnd(bytes, pos);
        const QByteArray rest = bytes.mid(i, end - i).trimmed();
        if (rest.isEmpty()) {
            e.kind = Entry::Kind::Blank;
        } else if (rest.startsWith('#')) {
            e.kind = Entry::Kind::Comment;
        } else {
            if (bytes.mid(i, 7) == "export ") {
                e.exported = true;
                i += 7;
                while (i < bytes.size() && bytes.at(i) == ' ')
                    ++i;
            }
            const qsizetype keyStart = i;
            if (i < bytes.size() && isKeyStart(bytes.at(i)))
                while (i < bytes.size() && isKeyChar(bytes.at(i)))
                    ++i;
            const QByteArray key = bytes.mid(keyStart, i - keyStart);
            qsizetype j = i;
            while (j < bytes.size() && (bytes.at(j) == ' ' || bytes.at(j) == '\t'))
                ++j;
            if (key.isEmpty() || j >= bytes.size() || bytes.at(j) != '=') {
                e.kind = Entry::Kind::Invalid;
            } else {
                e.kind = Entry::Kind::Assignment;
                e.key = QString::fromUtf8(key);
                qsizetype v = j + 1;
                while (v < bytes.size() && (bytes.at(v) == ' ' || bytes.at(v) == '\t'))
                    ++v;
                e.spacedEquals = j > i || v > j + 1;
                qsizetype consumed = end;
                parseValue(bytes, v, e, &consumed);
                end = consumed;
            }
        }
        e.raw = bytes.mid(pos, end - pos);
        line += int(e.raw.count('\n'));
        file.m_entries << e;
        pos = end;
    }
    return file;
}

QByteArray DotenvFile::serialize() const
{
    QByteArray out;
    for (const Entry &e : m_entries)
        out += e.raw;
    return out;
}

QStringList DotenvFile::keys() const
{
    QStringList keys;
    for (const Entry &e : m_entries)
        if (e.kind == Entry::Kind::Assignment && !keys.contains(e.key))
            keys << e.key;
    return keys;
}

std::optional<QString> DotenvFile::value(const QString &key) const
{
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it)
        if (it->kind == Entry::Kind::Assignment && it->key == key)
            return it->value;
    return std::nullopt;
}

int DotenvFile::unterminatedLine() const
{
    for (const Entry &e : m_entries)
        if (e.unterminated)
            return e.line;
    return 0;
}

Status DotenvFile::setValue(const QString &key, const QString &value)
{
    if (!isValidKey(key))
        return Status::failure(
            QStringLiteral("'%1' is not a variable name (letters, digits and _, not starting with "
                           "a digit)")
                .arg(key));
    if (const int open = unterminatedLine())
        return Status::failure(
            QStringLiteral("line %1 opens a quote that is never closed: fix that line "
                           "first (an edit could change what the lines after it mean)")
                .arg(open));
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->kind != Entry::Kind::Assignment || it->key != key)
            continue;
        // Keep everything up to the value as written; the quoting as written where it still works.
        const qsizetype eq = it->raw.indexOf('=');
        qsizetype start = eq + 1;
        while (start < it->raw.size() && (it->raw.at(start) == ' ' || it->raw.at(start) == '\t'))
            ++start;
        const std::optional<QByteArray> written = quoteValue(value, it->quote);
        if (!written)
            return unquotable(key);
        const QByteArray quoted = *written;
        QByteArray eol = it->raw.endsWith("\r\n") ? QByteArray("\r\n")
                         : it->raw.endsWith('\n') ? QByteArray("\n")
                                                  : QByteArray();
        const QByteArray comment =
            it->comment.isEmpty() ? QByteArray() : " # " + it->comment.toUtf8();
        it->raw = it->raw.left(start) + quoted + comment + eol;
        it->value = value;
        it->quote = quoted.startsWith('"') ? '"' : quoted.startsWith('\'') ? '\'' : 0;
        return success();
    }
    Entry e;
    e.kind = Entry::Kind::Assignment;
    e.key = key;
    e.value = value;
    const std::optional<QByteArray> written = quoteValue(value, 0);
    if (!written)
        return unquotable(key);
    const QByteArray quoted = *written;
    e.quote = quoted.startsWith('"') ? '"' : quoted.startsWith('\'') ? '\'' : 0;
    if (!m_entries.isEmpty() && !m_entries.last().raw.endsWith('\n'))
        m_entries.last().raw += m_eol; // the file had no final newline: the new line needs one
    e.line =
        m_entries.isEmpty() ? 1 : m_entries.last().line + int(m_entries.last().raw.count('\n'));
    e.raw = key.toUtf8() + '=' + quoted + m_eol;
    m_entries << e;
    return success();
}

bool DotenvFile::remove(const QString &key)
{
    const qsizetype before = m_entries.size();
    m_entries.removeIf(
        [&key](const Entry &e) { return e.kind == Entry::Kind::Assignment && e.key == key; });
    return m_entries.size() != before;
}

QList<DotenvFinding> DotenvFile::lint() const
{
    static const QRegularExpression booleanKey(
        QStringLiteral(
            "^(DEBUG|.*_(ENABLED|DISABLED|DEBUG|FLAG)|(ENABLE|DISABLE|USE|IS|ALLOW)_.*)$"),
        QRegularExpression::CaseInsensitiveOption);
    static const QSet<QString> falsy = {QStringLiteral("false"), QStringLiteral("0"),
                                        QStringLiteral("no"), QStringLiteral("off")};
    QList<DotenvFinding> findings;
    QHash<QString, int> firstLine;
    for (const Entry &e : m_entries) {
        using S = DotenvFinding::Severity;
        if (e.kind == Entry::Kind::Invalid) {
            findings << DotenvFinding{
                e.line, S::Error, {}, QStringLiteral("not KEY=value: this line is ignored")};
            continue;
        }
        if (e.kind != Entry::Kind::Assignment)
            continue;
        if (const auto it = firstLine.constFind(e.key); it != firstLine.constEnd())
            findings << DotenvFinding{
                e.line, S::Warning, e.key,
                QStringLiteral("%1 is set again (first on line %2): this one wins")
                    .arg(e.key)
                    .arg(*it)};
        else
            firstLine.insert(e.key, e.line);
        if (e.unterminated)
            findings << DotenvFinding{e.line, S::Error, e.key,
                                      QStringLiteral("the quote opened here is never closed")};
        if (e.spacedEquals)
            findings << DotenvFinding{
                e.line, S::Warning, e.key,
                QStringLiteral("spaces around '=': some loaders keep them (shell "
                               "`source` fails on them)")};
        if (!e.quote && e.value.contains(QLatin1Char(' ')))
            findings << DotenvFinding{
                e.line, S::Warning, e.key,
                QStringLiteral("an unquoted value with spaces: quote it (a shell "
                               "reads only the first word)")};
        if (booleanKey.match(e.key).hasMatch()) {
            if (falsy.contains(e.value.toLower()))
                findings << DotenvFinding{
                    e.line, S::Hint, e.key,
                    QStringLiteral("%1=%2 is the non-empty string \"%2\": "
                                   "`bool(os.environ[\"%1\"])` is True. Leave it "
                                   "empty for False, or read it with a parser "
                                   "(env.bool())")
                        .arg(e.key, e.value)};
            else if (e.value.isEmpty())
                findings << DotenvFinding{
                    e.line, S::Hint, e.key,
                    QStringLiteral("%1= is empty, so falsy in Python").arg(e.key)};
        }
    }
    return findings;
}

bool DotenvFile::looksSecret(const QString &key, const QString &value)
{
    static const QRegularExpression secretKey(
        QStringLiteral("(_KEY$|_SECRET$|PASSWORD|PASSWD|TOKEN|^SECRET|CREDENTIAL|PRIVATE)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression urlPassword(QStringLiteral("^[a-z0-9+.-]+://[^/:@]*:[^/@]+@"),
                                                QRegularExpression::CaseInsensitiveOption);
    if (secretKey.match(key).hasMatch())
        return true;
    return key.endsWith(QLatin1String("_URL"), Qt::CaseInsensitive) &&
           urlPassword.match(value).hasMatch();
}

QString DotenvFile::maskedDiff(const DotenvFile &before, const DotenvFile &after)
{
    const QString mask = QStringLiteral("••••••");
    QStringList keys;
    for (const DotenvFile *file : {&before, &after})
        for (const Entry &e : file->entries())
            if (e.kind == Entry::Kind::Assignment && !keys.contains(e.key))
                keys << e.key;
    QStringList lines;
    for (const QString &key : std::as_const(keys)) {
        const std::optional<QString> old = before.value(key), now = after.value(key);
        if (old == now)
            continue;
        const bool secret =
            looksSecret(key, old.value_or(QString())) || looksSecret(key, now.value_or(QString()));
        const auto shown = [&](const QString &v) {
            return secret ? mask : v;
        };
        if (!old)
            lines << QStringLiteral("+ %1=%2").arg(key, shown(*now));
        else if (!now)
            lines << QStringLiteral("- %1").arg(key);
        else
            lines << QStringLiteral("~ %1: %2 → %3%4")
                         .arg(key, shown(*old), shown(*now),
                              secret ? QStringLiteral(" (changed)") : QString());
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace Opsdeck
