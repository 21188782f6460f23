// SPDX-License-Identifier: GPL-3.0-or-later
#include "flageditdialog.h"

#include "flags/flagsbackend.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QStringList names(const QString &text)
{
    QStringList list;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty())
            list << part.trimmed();
    list.sort();
    list.removeDuplicates();
    return list;
}

enum Everyone { UseRules, On, Off };

} // namespace

FlagEditDialog::FlagEditDialog(const FlagState &initial, int capabilities, bool creating,
                               const QString &environment, QWidget *parent)
    : QDialog(parent)
    , m_initial(initial)
    , m_capabilities(capabilities)
    , m_creating(creating)
{
    setWindowTitle(creating ? tr("New flag — %1").arg(environment)
                            : tr("%1 — %2").arg(initial.name, environment));
    setMinimumWidth(460);
    auto *form = new QFormLayout;
    if (creating) {
        m_name = new QLineEdit(initial.name);
        m_name->setObjectName(QStringLiteral("name"));
        m_name->setPlaceholderText(tr("e.g. new_checkout"));
        form->addRow(tr("Name"), m_name);
        m_kind = new QComboBox;
        m_kind->addItem(tr("Flag (per user or request)"));
        if (capabilities & FlagsBackend::Kinds) {
            m_kind->addItem(tr("Switch (on or off for everything)"));
            m_kind->addItem(tr("Sample (a share of calls)"));
        }
        form->addRow(tr("Kind"), m_kind);
        connect(m_kind, &QComboBox::currentIndexChanged, this, &FlagEditDialog::updateFields);
        connect(m_name, &QLineEdit::textChanged, this, &FlagEditDialog::validateNow);
    }
    buildFlagFields(form, capabilities & FlagsBackend::Rules, capabilities & FlagsBackend::Percent);
    m_problem = new QLabel;
    m_problem->setStyleSheet(QStringLiteral("color: #d03b3b"));
    m_problem->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(creating ? tr("Create…") : tr("Save…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    updateFields();
}

void FlagEditDialog::buildFlagFields(QFormLayout *form, bool rules, bool percent)
{
    const FlagState &f = m_initial;
    const auto row = [form](const QString &label, QWidget *field, QList<QWidget *> &group) {
        form->addRow(label, field);
        group << field << form->labelForField(field);
    };
    m_everyone = new QComboBox;
    m_everyone->setObjectName(QStringLiteral("everyone"));
    m_everyone->addItem(tr("Use the rules below"));
    m_everyone->addItem(tr("On for everyone"));
    m_everyone->addItem(tr("Off for everyone"));
    m_everyone->setCurrentIndex(!f.everyone ? UseRules : *f.everyone ? On : Off);
    row(tr("Everyone"), m_everyone, m_flagOnly);
    m_hasPercent = new QCheckBox(tr("A share of users"));
    m_hasPercent->setChecked(f.percent.has_value());
    m_percent = new QDoubleSpinBox;
    m_percent->setDecimals(rules ? 1 : 0);
    m_percent->setSuffix(QStringLiteral(" %"));
    m_percent->setValue(f.percent.value_or(0));
    auto *percentRow = new QWidget;
    auto *percentLayout = new QHBoxLayout(percentRow);
    percentLayout->setContentsMargins(0, 0, 0, 0);
    percentLayout->addWidget(m_hasPercent);
    percentLayout->addWidget(m_percent, 1);
    connect(m_hasPercent, &QCheckBox::toggled, m_percent, &QWidget::setEnabled);
    connect(m_percent, &QDoubleSpinBox::valueChanged, this, &FlagEditDialog::validateNow);
    connect(m_everyone, &QComboBox::currentIndexChanged, this, &FlagEditDialog::updateFields);
    if (percent || rules)
        form->addRow(tr("Percent"), percentRow); // flags and samples both
    else
        percentRow->hide();
    m_active = new QCheckBox(tr("On"));
    m_active->setChecked(f.active);
    row(tr("Switch"), m_active, m_switchOnly);
    if (!rules) {
        m_note = new QLineEdit(f.note);
        return;
    }
    m_testing = new QCheckBox(tr("Testing (?dwft_<name>=1 overrides)"));
    m_superusers = new QCheckBox(tr("Superusers"));
    m_staff = new QCheckBox(tr("Staff"));
    m_authenticated = new QCheckBox(tr("Everyone signed in"));
    m_rollout = new QCheckBox(tr("Rollout mode (\"off\" cookies last one session)"));
    const std::pair<QCheckBox *, bool> boxes[] = {{m_superusers, f.superusers},
                                                  {m_staff, f.staff},
                                                  {m_authenticated, f.authenticated},
                                                  {m_testing, f.testing},
                                                  {m_rollout, f.rollout}};
    auto *checks = new QWidget;
    auto *checksLayout = new QVBoxLayout(checks);
    checksLayout->setContentsMargins(0, 0, 0, 0);
    for (const auto &[box, on] : boxes) {
        box->setChecked(on);
        checksLayout->addWidget(box);
    }
    row(tr("Also on for"), checks, m_flagOnly);
    m_users = new QLineEdit(f.userNames.join(QStringLiteral(", ")));
    m_users->setObjectName(QStringLiteral("users"));
    m_users->setPlaceholderText(tr("usernames, comma-separated"));
    row(tr("Users"), m_users, m_flagOnly);
    m_groups = new QLineEdit(f.groupNames.join(QStringLiteral(", ")));
    m_groups->setPlaceholderText(tr("group names, comma-separated"));
    row(tr("Groups"), m_groups, m_flagOnly);
    m_languages = new QLineEdit(f.languages);
    m_languages->setPlaceholderText(tr("e.g. en,de"));
    row(tr("Languages"), m_languages, m_flagOnly);
    m_note = new QLineEdit(f.note);
    form->addRow(tr("Note"), m_note);
}

void FlagEditDialog::updateFields()
{
    const int kind = m_kind ? m_kind->currentIndex() : int(m_initial.kind);
    for (QWidget *w : std::as_const(m_flagOnly))
        w->setVisible(kind == int(FlagState::Kind::Flag));
    for (QWidget *w : std::as_const(m_switchOnly))
        w->setVisible(kind == int(FlagState::Kind::Switch));
    const bool isSample = kind == int(FlagState::Kind::Sample);
    m_percent->setMaximum(isSample ? 100.0 : 99.9);
    m_hasPercent->setVisible(!isSample);
    const bool rulesDecide = m_everyone->currentIndex() == UseRules;
    m_percent->setEnabled(isSample || (m_hasPercent->isChecked() && rulesDecide));
    m_hasPercent->setEnabled(rulesDecide);
    validateNow();
}

void FlagEditDialog::validateNow()
{
    const FlagState wanted = state();
    Status valid = m_creating ? FlagEdit::create(wanted).validate()
                              : FlagEdit::update(m_initial, wanted).validate();
    const bool canUseRules = m_capabilities & (FlagsBackend::Rules | FlagsBackend::Percent);
    if (valid && wanted.kind == FlagState::Kind::Flag && !wanted.everyone && !canUseRules)
        valid = Status::failure(tr("This backend has on and off only: choose one."));
    m_problem->setText(valid ? QString() : valid.errorString());
    if (auto *box = findChild<QDialogButtonBox *>())
        box->button(QDialogButtonBox::Ok)->setEnabled(valid.ok());
}

FlagState FlagEditDialog::state() const
{
    FlagState f = m_initial;
    if (m_creating) {
        f.name = m_name->text().trimmed();
        f.kind = FlagState::Kind(m_kind->currentIndex());
    }
    if (f.kind == FlagState::Kind::Switch) {
        f.active = m_active->isChecked();
    } else if (f.kind == FlagState::Kind::Sample) {
        f.percent = m_percent->value();
    } else {
        const int everyone = m_everyone->currentIndex();
        f.everyone = everyone == UseRules ? std::nullopt : std::optional<bool>(everyone == On);
        f.percent = m_hasPercent->isChecked() && everyone == UseRules
                        ? std::optional<double>(m_percent->value())
                        : (everyone == UseRules ? std::nullopt : m_initial.percent);
        if (m_staff) {
            f.testing = m_testing->isChecked();
            f.superusers = m_superusers->isChecked();
            f.staff = m_staff->isChecked();
            f.authenticated = m_authenticated->isChecked();
            f.rollout = m_rollout->isChecked();
            f.languages = m_languages->text().trimmed();
            f.userNames = names(m_users->text());
            f.groupNames = names(m_groups->text());
        }
    }
    if (m_note)
        f.note = m_note->text();
    return f;
}

} // namespace Opsdeck
