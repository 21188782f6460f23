// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

namespace Opsdeck {

class ConfigDiffView;

/**
 * The file changed since it was opened: shows what is there now against the user's version and
 * lets them overwrite it, take the other version (dropping their edits), or go back to editing.
 * Opened with open(); the choice arrives through `chosen`.
 */
class ConfigConflictDialog final : public QDialog
{
    Q_OBJECT

public:
    enum class Choice { Cancel, Overwrite, TakeTheirs };

    ConfigConflictDialog(const QString &location, const QByteArray &theirs, const QByteArray &mine,
                         QWidget *parent = nullptr);
    /** What the buttons do (tests call it too). */
    void choose(Choice choice);
    ConfigDiffView *diffView() const { return m_diff; }

signals:
    void chosen(Opsdeck::ConfigConflictDialog::Choice choice);

private:
    ConfigDiffView *m_diff;
};

} // namespace Opsdeck
