// SPDX-License-Identifier: GPL-3.0-or-later
#include "configdrift.h"

#include "common/formatting.h"
#include "secrets/secretsdiff.h"
#include "secrets/sopsdocument.h"

#include <QSet>

namespace Opsdeck {

void DriftInput::addDotenv(const QString &origin, const DotenvFile &file)
{
    for (const QString &key : file.keys()) {
        const Value value{file.value(key).value_or(QString()), origin, true};
        if (!keys.contains(key))
            keys.insert(key, value);
        allValues[key] << value;
    }
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
        const Value value{QString(), origin, false};
        if (!keys.contains(path))
            keys.insert(path, value);
        allValues[path] << value;
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
        const QList<DriftInput::Value> all = input.allValues.value(
            key, input.keys.contains(key) ? QList<DriftInput::Value>{input.keys.value(key)}
                                          : QList<DriftInput::Value>{});
        row.values << all;
        QSet<QString> own;
        for (const DriftInput::Value &v : all)
            if (v.known)
                own.insert(v.text);
        if (own.size() > 1)
            row.inconsistent << input.environment;
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
    row.state = !row.inconsistent.isEmpty() ? DriftRow::State::Inconsistent
                : missing                   ? DriftRow::State::Missing
                : knownValues.size() > 1    ? DriftRow::State::Differs
                : unknown                   ? DriftRow::State::Unknown
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
    std::stable_sort(rows.begin(), rows.end(), [](const DriftRow &a, const DriftRow &b) {
        return (a.state == DriftRow::State::Inconsistent) >
               (b.state == DriftRow::State::Inconsistent);
    });
    return rows;
}

QString driftSummary(const QList<DriftRow> &rows)
{
    const auto count = [&rows](DriftRow::State state) {
        return std::count_if(rows.cbegin(), rows.cend(),
                             [state](const DriftRow &r) { return r.state == state; });
    };
    QStringList parts;
    if (const auto n = count(DriftRow::State::Inconsistent))
        parts << QStringLiteral("%1 within an environment")
                     .arg(countOf(n, QStringLiteral("disagrees"), QStringLiteral("disagree")));
    parts << QStringLiteral("%1 missing somewhere").arg(count(DriftRow::State::Missing))
          << QStringLiteral("%1 differ").arg(count(DriftRow::State::Differs))
          << QStringLiteral("%1 same").arg(count(DriftRow::State::Same));
    if (const auto n = count(DriftRow::State::Unknown))
        parts << QStringLiteral("%1 (values not compared)")
                     .arg(countOf(n, QStringLiteral("secret"), QStringLiteral("secrets")));
    return QStringLiteral("%1: %2").arg(
        countOf(rows.size(), QStringLiteral("key"), QStringLiteral("keys")),
        parts.join(QStringLiteral(", ")));
}

QString shortOrigin(const QString &origin)
{
    const qsizetype colon = origin.indexOf(QLatin1Char(':'));
    const QString file = origin.section(QLatin1Char('/'), -1);
    return colon > 0 && !origin.left(colon).contains(QLatin1Char('/'))
               ? origin.left(colon + 1) + file
               : file;
}

QString describeValues(const QList<DriftInput::Value> &values, const QString &mask,
                       bool shortOrigins)
{
    QStringList parts;
    for (const DriftInput::Value &v : values) {
        const QString text = !v.known           ? QStringLiteral("(in secrets)")
                             : !mask.isEmpty()  ? mask
                             : v.text.isEmpty() ? QStringLiteral("(empty)")
                                                : v.text;
        parts << QStringLiteral("%1 (%2)").arg(text,
                                               shortOrigins ? shortOrigin(v.origin) : v.origin);
    }
    return parts.join(QStringLiteral(" \u2260 "));
}

QString driftStateName(DriftRow::State state)
{
    switch (state) {
    case DriftRow::State::Inconsistent:
        return QStringLiteral("files disagree");
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
