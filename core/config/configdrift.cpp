// SPDX-License-Identifier: GPL-3.0-or-later
#include "configdrift.h"

#include "secrets/secretsdiff.h"
#include "secrets/sopsdocument.h"

#include <QSet>

namespace Opsdeck {

void DriftInput::addDotenv(const QString &origin, const DotenvFile &file)
{
    for (const QString &key : file.keys())
        if (!keys.contains(key))
            keys.insert(key, Value{file.value(key).value_or(QString()), origin, true});
}

Status DriftInput::addSecretsKeys(const QString &origin, const QByteArray &encryptedFile)
{
    const Sops::Format format = Sops::formatForPath(origin);
    if (format == Sops::Format::Binary)
        return success(); // one opaque blob: no keys to compare
    const Result<Sops::Node> root = Sops::parseStore(format, encryptedFile);
    if (!root)
        return Status::failure(QStringLiteral("%1: %2").arg(origin, root.errorString()));
    for (const auto &[path, node] : Sops::leavesByPath(*root)) {
        // The `sops` metadata entry (flattened to sops_… in dotenv and INI files) is not a key.
        if (path == QLatin1String("sops") || path.startsWith(QLatin1String("sops.")) ||
            path.startsWith(QLatin1String("sops_")))
            continue;
        if (!keys.contains(path))
            keys.insert(path, Value{QString(), origin, false});
    }
    return success();
}

namespace {

DriftRow rowFor(const QString &key, const QList<DriftInput> &inputs)
{
    DriftRow row;
    row.key = key;
    bool missing = false, unknown = false;
    QSet<QString> knownValues;
    for (const DriftInput &input : inputs) {
        const auto it = input.keys.constFind(key);
        if (it == input.keys.constEnd()) {
            row.cells << std::nullopt;
            missing = true;
            continue;
        }
        row.cells << *it;
        if (it->known) {
            knownValues.insert(it->text);
            row.masked = row.masked || DotenvFile::looksSecret(key, it->text);
        } else {
            unknown = true;
            row.masked = true;
        }
    }
    row.state = missing                  ? DriftRow::State::Missing
                : knownValues.size() > 1 ? DriftRow::State::Differs
                : unknown                ? DriftRow::State::Unknown
                                         : DriftRow::State::Same;
    return row;
}

} // namespace

QList<DriftRow> computeDrift(const QList<DriftInput> &inputs)
{
    QSet<QString> all;
    for (const DriftInput &input : inputs)
        for (auto it = input.keys.constBegin(); it != input.keys.constEnd(); ++it)
            all.insert(it.key());
    QStringList keys(all.cbegin(), all.cend());
    keys.sort();
    QList<DriftRow> rows;
    rows.reserve(keys.size());
    for (const QString &key : keys)
        rows << rowFor(key, inputs);
    return rows;
}

QString driftStateName(DriftRow::State state)
{
    switch (state) {
    case DriftRow::State::Missing:
        return QStringLiteral("missing");
    case DriftRow::State::Differs:
        return QStringLiteral("differs");
    case DriftRow::State::Same:
        return QStringLiteral("same");
    case DriftRow::State::Unknown:
        return QStringLiteral("present");
    }
    return {};
}

} // namespace Opsdeck
