// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploydialog.h"

#include "common/futures.h"
#include "deploy/deployplan.h"
#include "deploy/deployrunner.h"
#include "deploy/gitrefs.h"

#include <QCollator>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {
constexpr int kCommitRole = Qt::UserRole + 1;
} // namespace

DeployDialog::DeployDialog(SshPool *pool, const EnvironmentSpec &environment,
                           DatabaseSession *database, QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_environment(environment)
    , m_ref(new QComboBox(this))
    , m_status(new QLabel(this))
    , m_database(database)
    , m_headline(new QLabel(this))
    , m_details(new QLabel(this))
    , m_showCommands(new QToolButton(this))
    , m_plan(new QPlainTextEdit(this))
    , m_planButton(new QPushButton(QStringLiteral("Show plan"), this))
    , m_deploy(new QPushButton(QStringLiteral("Deploy…"), this))
{
    setObjectName(QStringLiteral("deployDialog"));
    setWindowTitle(QStringLiteral("Deploy to %1").arg(environment.name));
    resize(820, 560);
    m_ref->setObjectName(QStringLiteral("deployRef"));
    m_ref->setEditable(true);
    m_ref->setInsertPolicy(QComboBox::NoInsert);
    m_ref->lineEdit()->setPlaceholderText(QStringLiteral("branch, tag or commit id"));
    m_ref->setMinimumContentsLength(32);
    m_status->setObjectName(QStringLiteral("deployDialogStatus"));
    m_status->setWordWrap(true);
    m_plan->setObjectName(QStringLiteral("deployPlan"));
    m_plan->setReadOnly(true);
    m_plan->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_plan->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_plan->setPlaceholderText(
        QStringLiteral("The plan — every command, on which hosts, in which order — "
                       "appears here before anything is changed."));
    m_plan->hide(); // the scripts are the detail; the summary comes first
    // Commit subjects and migration names come from the repository: plain text.
    m_headline->setObjectName(QStringLiteral("deploySummary"));
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_details->setObjectName(QStringLiteral("deployChanges"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_showCommands->setText(QStringLiteral("Show commands"));
    m_showCommands->setCheckable(true);
    m_showCommands->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_showCommands->setArrowType(Qt::RightArrow);
    m_showCommands->setAutoRaise(true);
    connect(m_showCommands, &QToolButton::toggled, this, [this](bool shown) {
        m_plan->setVisible(shown);
        m_showCommands->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
    });

    const DeploySpec &spec = *environment.deploy;
    const QList<QStringList> batches = computeBatches(environment.hosts, spec.batches);
    QStringList batchText;
    for (const QStringList &batch : batches)
        batchText << batch.join(QStringLiteral(", "));
    auto *form = new QFormLayout;
    form->addRow(
        QStringLiteral("Environment:"),
        new QLabel(environment.name +
                       (environment.isProtected ? QStringLiteral(" (protected)") : QString()),
                   this));
    form->addRow(QStringLiteral("Hosts, by batch:"),
                 new QLabel(batchText.join(QStringLiteral("  →  ")), this));
    form->addRow(QStringLiteral("Repository:"), new QLabel(spec.repo, this));
    form->addRow(QStringLiteral("Ref:"), m_ref);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_planButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_deploy, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    // Enter shows the plan; deploying is always a deliberate click (then a confirmation).
    m_planButton->setDefault(true);
    m_deploy->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_planButton, &QPushButton::clicked, this, &DeployDialog::showPlan);
    connect(m_ref, &QComboBox::currentTextChanged, this, [this] {
        m_plan->clear();
        m_plannedRevision.clear();
        m_summary.forget(); // an answer for the previous ref is no longer wanted
        showSummary({}, {});
        updateButtons();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_headline);
    layout->addWidget(m_details, 1);
    layout->addWidget(m_showCommands, 0, Qt::AlignLeft);
    layout->addWidget(m_plan, 3);
    layout->addWidget(buttons);
    updateButtons();
}

DeployDialog::~DeployDialog()
{
    if (m_planner)
        m_planner->cancel();
}

QString DeployDialog::ref() const
{
    const QVariant data = m_ref->currentData();
    return m_ref->currentText() == m_ref->itemText(m_ref->currentIndex()) && data.isValid()
               ? data.toString()
               : m_ref->currentText().trimmed();
}

QString DeployDialog::shownRevision() const
{
    if (!m_plannedRevision.isEmpty())
        return m_plannedRevision;
    const bool listed = m_ref->currentText() == m_ref->itemText(m_ref->currentIndex());
    return listed ? m_ref->currentData(kCommitRole).toString() : QString();
}

void DeployDialog::setRef(const QString &ref)
{
    int index = m_ref->findData(ref);
    for (const QString &prefix : {QStringLiteral("refs/tags/"), QStringLiteral("refs/heads/")})
        if (index < 0)
            index = m_ref->findData(QString(prefix + ref)); // a short name: git's order, tags first
    if (index >= 0)
        m_ref->setCurrentIndex(index);
    else
        m_ref->setEditText(ref);
}

void DeployDialog::loadRefs()
{
    if (m_refsJob)
        m_refsJob->cancel(); // the newest listing wins
    m_status->setText(
        QStringLiteral("Listing branches and tags on %1…").arg(m_environment.deploy->lockHost));
    auto *job = new GitRefsJob(m_pool, *m_environment.deploy, this);
    job->setEnvironment(m_environment.name);
    m_refsJob = job;
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        if (job->state() != Job::State::Cancelled)
            showRefs(job->listing());
    });
    job->start();
}

void DeployDialog::showRefs(const Result<GitRefs> &listed)
{
    if (!listed) {
        m_status->setText(QStringLiteral("Could not list the repository's refs: %1. You can still "
                                         "type a commit id.")
                              .arg(listed.errorString()));
        emit refsLoaded();
        return;
    }
    GitRefs refs = *listed;
    const QString typed = m_ref->currentText();
    const QSignalBlocker blocker(m_ref);
    m_ref->clear();
    // Full names: a branch and a tag may share a name, and git resolves the bare name to
    // the tag. The commit shown is the one the deploy is pinned to; what runs now is
    // marked.
    const auto add = [this](const QString &kind, const QString &prefix, const QString &name,
                            const QString &commit) {
        const bool deployed =
            !m_deployedRevision.isEmpty() && commit.startsWith(m_deployedRevision.left(7));
        m_ref->addItem(QStringLiteral("%1  (%2, %3)%4")
                           .arg(name, kind, commit.left(7),
                                deployed ? QStringLiteral("  — deployed now") : QString()),
                       QString(prefix + name));
        m_ref->setItemData(m_ref->count() - 1, commit, kCommitRole);
    };
    // Tags newest version first (v10 after v9, as people number them), then branches.
    QCollator byVersion;
    byVersion.setNumericMode(true);
    std::stable_sort(refs.tags.begin(), refs.tags.end(),
                     [&byVersion](const auto &a, const auto &b) {
                         return byVersion.compare(a.first, b.first) > 0;
                     });
    for (const auto &[name, commit] : refs.tags)
        add(QStringLiteral("tag"), QStringLiteral("refs/tags/"), name, commit);
    for (const auto &[name, commit] : refs.branches)
        add(QStringLiteral("branch"), QStringLiteral("refs/heads/"), name, commit);
    m_ref->setCurrentIndex(-1); // nothing chosen for the user
    if (!typed.isEmpty())
        setRef(typed);
    m_status->setText(
        QStringLiteral("%1 branches, %2 tags.").arg(refs.branches.size()).arg(refs.tags.size()));
    updateButtons();
    emit refsLoaded();
}

void DeployDialog::showPlan()
{
    if (m_planner)
        m_planner->cancel();
    const QString ref = this->ref();
    m_plan->setPlainText(QStringLiteral("Planning %1: connecting to %2 and resolving the ref…")
                             .arg(ref, m_environment.hosts.join(QStringLiteral(", "))));
    m_planner = new DeployRunner(m_pool, m_environment, this);
    m_planner->setDryRun(true);
    auto planned = std::make_shared<bool>(false);
    connect(m_planner, &DeployRunner::planReady, this,
            [this, planned](const QList<PlanStep> &plan) {
                *planned = true;
                m_plannedRevision = m_planner ? m_planner->context().revision : QString();
                m_plan->setPlainText(formatPlan(plan));
                readChanges(m_ref->currentText().section(QStringLiteral("  ("), 0, 0),
                            m_plannedRevision);
            });
    connect(m_planner, &DeployRunner::finished, this,
            [this, planned, planner = m_planner](DeployRunner::Outcome, const QString &summary) {
                planner->deleteLater();
                if (!*planned) {
                    m_plan->setPlainText(QStringLiteral("No plan: %1").arg(summary));
                    showSummary(QStringLiteral("No plan: %1").arg(summary), {});
                }
                m_status->setText(*planned
                                      ? QStringLiteral("Plan ready — nothing has been changed yet.")
                                      : summary);
                emit planShown(*planned);
            });
    m_planner->deploy(ref, {});
}

void DeployDialog::setDeployed(const QString &ref, const QString &revision)
{
    m_deployedRef = ref;
    m_deployedRevision = revision;
}

QString DeployDialog::summaryText() const
{
    return m_headline->text() + QLatin1Char('\n') + m_details->text();
}

void DeployDialog::showSummary(const QString &headline, const QStringList &details)
{
    m_headline->setText(headline);
    m_headline->setVisible(!headline.isEmpty());
    m_details->setText(details.join(QLatin1Char('\n')));
    m_details->setVisible(!details.isEmpty());
}

void DeployDialog::readChanges(const QString &toRef, const QString &revision)
{
    showSummary(QStringLiteral("Reading what %1 brings from the repository on %2…")
                    .arg(toRef, m_environment.deploy->lockHost),
                {});
    m_summary.start(readDeploySummary(m_pool, m_database, m_environment,
                                      {m_deployedRef, m_deployedRevision, toRef, revision}),
                    [this](const DeploySummary &summary) {
                        showSummary(summary.headline, summary.details);
                        emit summaryShown();
                    });
}

void DeployDialog::updateButtons()
{
    const bool hasRef = !m_ref->currentText().trimmed().isEmpty();
    m_planButton->setEnabled(hasRef);
    m_deploy->setEnabled(hasRef);
}

} // namespace Opsdeck
