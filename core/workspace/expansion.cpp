// SPDX-License-Identifier: GPL-3.0-or-later
#include "expansion.h"

#include <QDir>
#include <QProcessEnvironment>

namespace Opsdeck {

const QStringList &commandVariableNames()
{
    static const QStringList names = {
        QStringLiteral("REV"),     QStringLiteral("ENV"),          QStringLiteral("HOST"),
        QStringLiteral("RELEASE"), QStringLiteral("RELEASE_PATH"), QStringLiteral("DEPLOY_PATH")};
    return names;
}

bool isWorkspaceVariable(const QString &name)
{
    static const QStringList plain = {QStringLiteral("HOME"), QStringLiteral("USER"),
                                      QStringLiteral("LOGNAME")};
    return name.startsWith(QLatin1String("OPSDECK_")) || plain.contains(name);
}

QString expandVariables(const QString &text, QStringList *unsetVariables,
                        const QStringList &keepLiteral, QStringList *refusedVariables)
{
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    if (text == QLatin1String("~") || text.startsWith(QLatin1String("~/"))) {
        out += QDir::homePath();
        i = 1;
    }
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('$') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('$')) {
            out += QLatin1Char('$');
            i += 2;
            continue;
        }
        if (c == QLatin1Char('$') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('{')) {
            const qsizetype close = text.indexOf(QLatin1Char('}'), i + 2);
            if (close > i + 2) {
                const QString name = text.mid(i + 2, close - i - 2);
                if (keepLiteral.contains(name)) {
                    out += text.mid(i, close - i + 1);
                } else if (!isWorkspaceVariable(name)) {
                    out += text.mid(i, close - i + 1);
                    if (refusedVariables)
                        refusedVariables->append(name);
                } else if (env.contains(name)) {
                    out += env.value(name);
                } else if (unsetVariables) {
                    unsetVariables->append(name);
                }
                i = close + 1;
                continue;
            }
        }
        out += c;
        ++i;
    }
    return out;
}

QString expandPath(const QString &path, const QString &baseDirectory, QStringList *unsetVariables)
{
    const QString expanded = expandVariables(path, unsetVariables);
    if (expanded.isEmpty())
        return expanded;
    return QDir::cleanPath(QDir(baseDirectory).absoluteFilePath(expanded));
}

} // namespace Opsdeck
