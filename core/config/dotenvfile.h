// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

/** Something worth telling about a .env file, at a line. */
struct DotenvFinding
{
    enum class Severity { Hint, Warning, Error };
    int line = 0; // 1-based
    Severity severity = Severity::Warning;
    QString key;
    QString message;
};

/**
 * A .env file kept as written: comments, blank lines, `export`, quoting, spacing, CRLF and a
 * missing final newline survive, and an edit rewrites only the line it touches. Values read as
 * python-dotenv and docker compose read them: 'single' quotes literal, "double" quotes with
 * \n \t \" \\ escapes and possibly several lines, unquoted up to a ` #` comment.
 */
class DotenvFile
{
public:
    struct Entry
    {
        enum class Kind { Blank, Comment, Assignment, Invalid };
        Kind kind = Kind::Blank;
        int line = 0;       // 1-based, where it starts
        QByteArray raw;     // exactly as read, line endings included
        QString key, value; // Assignment
        char quote = 0;     // 0, '\'' or '"'
        bool exported = false;
        bool spacedEquals = false; // whitespace around '='
        bool unterminated = false;
        QString comment; // an inline comment after the value
    };

    static DotenvFile parse(const QByteArray &bytes);
    QByteArray serialize() const;

    const QList<Entry> &entries() const { return m_entries; }
    QStringList keys() const;
    /** The value that wins (the last assignment), if the key is set. */
    std::optional<QString> value(const QString &key) const;
    /**
     * Changes the winning assignment's value (only that line is rewritten), or appends one.
     * Written so that POSIX sh and bash (`. ./.env`), docker compose and python-dotenv all read
     * back exactly `value`, and sourcing it runs nothing: unquoted when plain, else 'single'
     * quotes, else "double" quotes without $ or backticks; refused when none of these fits.
     * Refused too for a key that is not a variable name, and while a quote is left open
     * somewhere: a new quote would close it and change what the lines after it mean.
     */
    Status setValue(const QString &key, const QString &value);
    /** `[A-Za-z_][A-Za-z0-9_]*`: what a shell, compose and python-dotenv all accept. */
    static bool isValidKey(const QString &key);
    /** The first line whose quote is never closed, or 0. */
    int unterminatedLine() const;
    bool remove(const QString &key);

    QList<DotenvFinding> lint() const;

    /** Keys whose values are masked until revealed (*_KEY, *_SECRET, *PASSWORD*, *TOKEN*,
     * a DATABASE_URL with a password). */
    static bool looksSecret(const QString &key, const QString &value);

    /**
     * What saving `after` over `before` changes, key by key, for a confirmation: "+ KEY=value",
     * "- KEY", "~ KEY: old → new"; values that look secret (in either version) are masked.
     */
    static QString maskedDiff(const DotenvFile &before, const DotenvFile &after);

private:
    QList<Entry> m_entries;
    QByteArray m_eol = "\n";
};

} // namespace Opsdeck
