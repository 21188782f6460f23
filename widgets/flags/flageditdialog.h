// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "flags/flagstate.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace Opsdeck {

/**
 * Edits one flag's rules in one environment (or a new flag): waffle's everyone (on / off / use
 * the rules), percent, testing, superusers, staff, signed in, rollout mode, languages, users
 * and groups by name, the note; a switch's on/off; a sample's percent. Backends without
 * waffle's rules get on / off (and a percentage where they have one).
 */
class FlagEditDialog final : public QDialog
{
    Q_OBJECT

public:
    /** `capabilities` are FlagsBackend::Capability bits. */
    FlagEditDialog(const FlagState &initial, int capabilities, bool creating,
                   const QString &environment, QWidget *parent = nullptr);

    /** The state as entered. */
    FlagState state() const;

private:
    void buildFlagFields(QFormLayout *form, bool rules, bool percent);
    void updateFields();
    void validateNow();

    FlagState m_initial;
    int m_capabilities;
    bool m_creating;
    QLineEdit *m_name = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_everyone = nullptr;
    QCheckBox *m_hasPercent = nullptr;
    QDoubleSpinBox *m_percent = nullptr;
    QCheckBox *m_testing = nullptr, *m_superusers = nullptr, *m_staff = nullptr,
              *m_authenticated = nullptr, *m_rollout = nullptr, *m_active = nullptr;
    QLineEdit *m_languages = nullptr, *m_users = nullptr, *m_groups = nullptr, *m_note = nullptr;
    QLabel *m_problem = nullptr;
    QList<QWidget *> m_flagOnly, m_switchOnly;
};

} // namespace Opsdeck
