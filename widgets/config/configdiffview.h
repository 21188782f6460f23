// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPlainTextEdit>

namespace Opsdeck {

/**
 * A read-only line diff of two versions of a config file, removed lines red and added green.
 * Values of secret-looking keys are masked unless `reveal` is set: a diff is no way around the
 * editor's masking.
 */
class ConfigDiffView final : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit ConfigDiffView(QWidget *parent = nullptr);
    void showDiff(const QByteArray &before, const QByteArray &after, bool reveal = false);
    int changedLines() const { return m_changed; }

private:
    int m_changed = 0;
};

/** `KEY=value` / `key: value` with the value masked when the key looks secret. */
QString maskSecretLine(const QString &line);

} // namespace Opsdeck
