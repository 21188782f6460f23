// SPDX-License-Identifier: GPL-3.0-or-later
#include "rollbackdialog.h"

#include "common/futures.h"
#include "deploy/migrations.h"
#include "runtime/databasesession.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QList<RollbackChoice> releaseChoices(const EnvironmentDeployState &state,
                                     const QString &currentRelease)
{
    QList<RollbackChoice> choices;
    const qsizetype currentAt = state.releases.indexOf(currentRelease);
    for (qsizetype i = currentAt + 1; i < state.releases.size(); ++i) {
        const QString &release = state.releases.at(i);
        QString label = release;
        if (const HistoryEntry *deploy = state.deployOf(release))
            label +=
                QStringLiteral("   %1, %2 by %3")
                    .arg(deploy->ref,
                         deploy->time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                         deploy->user);
        choices << RollbackChoice{release, label, migrationCutoff(state.releases, release)};
    }
    return choices;
}

QString releaseIntro(const QString &currentRelease)
{
    return currentRelease.isEmpty()
               ? QStringLiteral("No release is current; choose one to switch to.")
               : QStringLiteral("Now on <b>%1</b>. Switch <tt>current</tt> back to an earlier "
                                "release, restart and health-check it:")
                     .arg(currentRelease.toHtmlEscaped());
}

} // namespace

RollbackDialog::RollbackDialog(const EnvironmentDeployState &state, const QString &currentRelease,
                               DatabaseSession *database, QWidget *parent)
    : RollbackDialog(releaseIntro(currentRelease), releaseChoices(state, currentRelease), database,
                     parent)
{}

RollbackDialog::RollbackDialog(const QString &introText, const QList<RollbackChoice> &choices,
                               DatabaseSession *database, QWidget *parent)
    : QDialog(parent)
    , m_choices(choices)
    , m_database(database)
    , m_releases(new QListWidget(this))
    , m_migrations(new QLabel(this))
    , m_rollback(new QPushButton(QStringLiteral("Roll back…"), this))
{
    setObjectName(QStringLiteral("rollbackDialog"));
    setWindowTitle(QStringLiteral("Roll back"));
    resize(640, 480);
    m_releases->setObjectName(QStringLiteral("rollbackReleases"));
    m_migrations->setObjectName(QStringLiteral("rollbackMigrations"));
    m_migrations->setWordWrap(true);
    m_migrations->setTextFormat(Qt::RichText);
    for (const RollbackChoice &choice : choices)
        new QListWidgetItem(choice.label, m_releases); // plain text: a tag is no markup
    auto *intro = new QLabel(introText, this);
    intro->setWordWrap(true);
    auto *warning =
        new QLabel(QStringLiteral("<b>The database is not rolled back.</b> Only the code "
                                  "changes; schema changes made since stay in place."),
                   this);
    warning->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_rollback, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_releases, &QListWidget::currentRowChanged, this, &RollbackDialog::onSelection);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_releases, 1);
    layout->addWidget(warning);
    layout->addWidget(m_migrations);
    layout->addWidget(buttons);
    m_rollback->setEnabled(false);
    if (m_releases->count() > 0)
        m_releases->setCurrentRow(0);
    else
        m_migrations->setText(
            QStringLiteral("There is no earlier release on the hosts to go back to."));
}

QString RollbackDialog::release() const
{
    const int row = m_releases->currentRow();
    return row >= 0 ? m_choices.value(row).id : QString();
}

bool RollbackDialog::hasChoice() const
{
    return m_releases->currentRow() >= 0;
}

void RollbackDialog::setRelease(const QString &release)
{
    for (int row = 0; row < m_choices.size(); ++row)
        if (m_choices.at(row).id == release)
            m_releases->setCurrentRow(row);
}

void RollbackDialog::onSelection()
{
    m_rollback->setEnabled(hasChoice());
    if (!hasChoice())
        return;
    const RollbackChoice &choice = m_choices.at(m_releases->currentRow());
    showMigrations(choice.id.isEmpty() ? choice.label : choice.id, choice.migrationsSince);
}

void RollbackDialog::showMigrations(const QString &target, const QDateTime &cutoff)
{
    if (!m_database || !cutoff.isValid()) {
        m_migrationsRead.forget(); // a read for the previous choice would overwrite this
        m_migrations->setText(
            m_database ? QString()
                       : QStringLiteral("(No database in the workspace for this environment: "
                                        "migrations cannot be listed.)"));
        emit migrationsShown();
        return;
    }
    m_migrations->setText(QStringLiteral("Reading django_migrations…"));
    m_migrationsRead.start(readMigrations(*m_database, cutoff),
                           [this, target](const Result<QList<AppliedMigration>> &migrations) {
                               m_migrations->setText(migrationsText(target, migrations));
                               emit migrationsShown();
                           });
}

QString RollbackDialog::migrationsText(const QString &target,
                                       const Result<QList<AppliedMigration>> &migrations)
{
    if (!migrations)
        return QStringLiteral("Could not read migrations: %1")
            .arg(migrations.errorString().toHtmlEscaped());
    if (migrations->isEmpty())
        return QStringLiteral("No Django migrations were applied since %1.")
            .arg(target.toHtmlEscaped());
    QString list;
    for (const AppliedMigration &m : *migrations)
        list += QStringLiteral("<li><tt>%1.%2</tt> (applied %3)</li>")
                    .arg(m.app.toHtmlEscaped(), m.name.toHtmlEscaped(),
                         m.applied.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    return QStringLiteral("Migrations applied since %1 that stay applied:<ul>%2</ul>")
        .arg(target.toHtmlEscaped(), list);
}

} // namespace Opsdeck
