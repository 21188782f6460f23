// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagspane.h"
#include "common/emptystate.h"

#include "common/dialogconfirmer.h"
#include "common/messagebanner.h"
#include "flagdetailspanel.h"
#include "flageditdialog.h"
#include "flags/flagusage.h"
#include "flagsmatrixmodel.h"
#include "runtime/environmentcontext.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QString flagLabel(const FlagState &f)
{
    return QStringLiteral("%1 %2").arg(kindName(f.kind), f.name);
}

} // namespace

FlagsPane::FlagsPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_workspace(context.workspace())
    , m_currentEnvironment(context.name())
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_model(new FlagsMatrixModel(this))
    , m_filter(new FlagsFilterModel(this))
    , m_view(new QTableView)
    , m_details(new FlagDetailsPanel)
    , m_search(new QLineEdit)
    , m_differencesOnly(new QCheckBox(tr("Differences only")))
    , m_staleOnly(new QCheckBox(tr("Removal candidates")))
{
    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    EmptyState *empty = EmptyState::attach(m_view, [this] {
        if (m_model->rowCount() == 0)
            return m_model->environments().isEmpty() ? QString() : tr("No flags yet.");
        if (!m_search->text().trimmed().isEmpty())
            return tr("No flag matches “%1”%2.")
                .arg(m_search->text().trimmed(),
                     m_differencesOnly->isChecked() ? tr(" among the differences") : QString());
        return tr("Every flag is the same in all environments.");
    });
    connect(m_search, &QLineEdit::textChanged, empty, &EmptyState::update);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setDefaultSectionSize(170);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_search->setPlaceholderText(tr("Filter flags by name"));
    m_search->setClearButtonEnabled(true);
    m_staleOnly->setToolTip(tr("Unchanged for %1+ days and fully on, or fully off, everywhere")
                                .arg(FlagsMatrixModel::kStaleAfterDays));

    buildActions();
    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addWidget(m_search);
    toolbar->addWidget(m_differencesOnly);
    toolbar->addWidget(m_staleOnly);
    toolbar->addSeparator();
    toolbar->addActions({m_on, m_off, m_percent, m_edit});
    toolbar->addSeparator();
    toolbar->addActions({m_new, m_delete, m_kill});
    toolbar->addSeparator();
    toolbar->addAction(m_reload);
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_view);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(banner());
    layout->addWidget(splitter, 1);

    connect(m_search, &QLineEdit::textChanged, this, &FlagsPane::setFilterText);
    connect(m_differencesOnly, &QCheckBox::toggled, m_filter,
            &FlagsFilterModel::setDifferencesOnly);
    connect(m_staleOnly, &QCheckBox::toggled, m_filter, &FlagsFilterModel::setStaleOnly);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateDetails();
        updateActions();
    });
    connect(m_view, &QTableView::doubleClicked, this, [this] { openEditor(false); });
    connect(m_view, &QWidget::customContextMenuRequested, this, &FlagsPane::showContextMenu);
    connect(m_details, &FlagDetailsPanel::findUsagesRequested, this,
            [this] { findUsages(currentTarget().key); });
    createBackends();
    updateActions();
    reload();
}

FlagsPane::~FlagsPane() = default;

void FlagsPane::buildActions()
{
    m_reload =
        addShortcutAction(tr("Refresh"), QKeySequence(), [this] { reload(); }); // F5: the window's
    m_on = addShortcutAction(tr("Turn on"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] {
        turn(currentTarget().key, currentTarget().environment, true);
    });
    m_off = addShortcutAction(tr("Turn off"), QKeySequence(Qt::CTRL | Qt::Key_D), [this] {
        turn(currentTarget().key, currentTarget().environment, false);
    });
    m_percent = addShortcutAction(tr("Percentage…"), QKeySequence(), [this] { askPercent(); });
    m_edit = addShortcutAction(tr("Edit rules…"), QKeySequence(Qt::Key_F2),
                               [this] { openEditor(false); });
    m_new = addShortcutAction(tr("New flag…"), QKeySequence::New, [this] { openEditor(true); });
    m_delete = addShortcutAction(tr("Delete…"), QKeySequence::Delete, [this] {
        deleteFlag(currentTarget().key, currentTarget().environment);
    });
    m_kill = addShortcutAction(tr("Kill switch…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K),
                               [this] { killSwitch(currentTarget().key); });
    m_kill->setToolTip(tr("Turn this flag off in every environment at once"));
    m_usages = addShortcutAction(tr("Where is it used?"), QKeySequence(),
                                 [this] { findUsages(currentTarget().key); });
    setPaneActions({m_reload, m_on, m_off, m_percent, m_edit, m_new, m_delete, m_kill, m_usages});
}

void FlagsPane::createBackends()
{
    QStringList environments;
    QHash<QString, QString> errors;
    for (const EnvironmentSpec &env : m_workspace.environments) {
        if (env.flags.isEmpty())
            continue;
        environments << env.name;
        const Result<FlagsBackend *> backend = context().sibling(env.name)->flagsBackend();
        if (!backend) {
            errors.insert(env.name, backend.errorString());
            continue;
        }
        m_backends.insert(env.name, backend.value());
    }
    m_model->setEnvironments(environments);
    m_model->setHomeEnvironment(m_currentEnvironment);
    for (const QString &env : environments) {
        if (FlagsBackend *b = m_backends.value(env))
            m_model->setEnvironmentDescription(
                env, b->describe() + (isProtected(env) ? tr("\nprotected") : QString()));
        else
            m_model->setError(env, errors.value(env));
    }
    if (environments.isEmpty())
        setState(State::Empty, tr("No environment has a flags: block in %1. Add one, e.g.\n"
                                  "  flags: { backend: waffle, manage: \"cd /srv/app/current && "
                                  "./manage.py\" }")
                                   .arg(m_workspace.filePath));
}

FlagsBackend *FlagsPane::backend(const QString &environment) const
{
    return m_backends.value(environment);
}

QSortFilterProxyModel *FlagsPane::filtered() const
{
    return m_filter;
}

void FlagsPane::reload()
{
    for (const QString &env : m_model->environments())
        reload(env);
    if (!m_model->environments().isEmpty() && m_backends.isEmpty())
        setState(State::Error, tr("No environment's flags could be read: %1")
                                   .arg(m_model->environments().join(QStringLiteral(", "))));
}

void FlagsPane::reload(const QString &environment)
{
    FlagsBackend *b = m_backends.value(environment);
    if (!b)
        return;
    ++m_pendingLoads;
    onFinished(b->load(), this, [this, environment](const Result<QList<FlagState>> &flags) {
        const QString key = currentTarget().key, env = currentTarget().environment;
        if (flags)
            m_model->setFlags(environment, *flags);
        else
            m_model->setError(environment, flags.errorString());
        if (!key.isEmpty())
            select(key, env); // the model was reset: keep the user's place
        --m_pendingLoads;
        emit environmentLoaded(environment);
        if (m_pendingLoads == 0 && !hasLoaded()) {
            m_view->resizeColumnToContents(0); // names decide the first column, once
            setState(State::Ready);
        }
        emit statusMessage(flags ? tr("%1: %2 flags").arg(environment).arg(flags->size())
                                 : tr("%1: %2").arg(environment, flags.errorString()));
    });
}

void FlagsPane::select(const QString &key, const QString &environment)
{
    const int row = m_model->rowOf(key);
    if (row < 0)
        return;
    const int column = qMax(0, m_model->columnOf(environment));
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, column));
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

void FlagsPane::setFilterText(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text);
    m_filter->setText(text);
}

void FlagsPane::setDifferencesOnly(bool on)
{
    m_differencesOnly->setChecked(on);
}

void FlagsPane::setStaleOnly(bool on)
{
    m_staleOnly->setChecked(on);
}

FlagsPane::Target FlagsPane::currentTarget() const
{
    const QModelIndex index = m_filter->mapToSource(m_view->currentIndex());
    if (!index.isValid())
        return {};
    QString env = m_model->environmentAt(index.column());
    if (env.isEmpty()) // the name column: the environment chosen in the window, else the first
        env = m_model->environments().contains(m_currentEnvironment)
                  ? m_currentEnvironment
                  : m_model->environments().value(0);
    return {m_model->keyAt(index.row()), env};
}

const FlagState *FlagsPane::stateOf(const Target &target) const
{
    return m_model->state(m_model->rowOf(target.key), target.environment);
}

bool FlagsPane::isProtected(const QString &environment) const
{
    const EnvironmentSpec *env = m_workspace.environment(environment);
    return env && env->isProtected;
}

void FlagsPane::turn(const QString &key, const QString &environment, bool on)
{
    const FlagState *before = stateOf({key, environment});
    if (!before)
        return;
    FlagState after = *before;
    if (after.kind == FlagState::Kind::Switch)
        after.active = on;
    else if (after.kind == FlagState::Kind::Sample)
        after.percent = on ? 100 : 0;
    else
        after.everyone = on;
    write(environment, FlagEdit::update(*before, after),
          tr("Turn %1 %2 in %3: %4 → %5.")
              .arg(on ? tr("on") : tr("off"), flagLabel(*before), environment, before->summary(),
                   after.summary()));
}

void FlagsPane::setPercent(const QString &key, const QString &environment, double percent)
{
    const FlagState *before = stateOf({key, environment});
    if (!before)
        return;
    FlagState after = *before;
    after.percent = percent;
    if (after.kind == FlagState::Kind::Flag)
        after.everyone.reset(); // a percentage only counts while everyone is unset
    applyState(key, environment, after);
}

void FlagsPane::applyState(const QString &key, const QString &environment, const FlagState &after)
{
    const FlagState *before = stateOf({key, environment});
    if (!before)
        return;
    write(environment, FlagEdit::update(*before, after),
          tr("Change %1 in %2: %3 → %4.")
              .arg(flagLabel(*before), environment, before->summary(), after.summary()));
}

void FlagsPane::createFlag(const QString &environment, const FlagState &flag)
{
    write(environment, FlagEdit::create(flag),
          tr("Create %1 in %2: %3.").arg(flagLabel(flag), environment, flag.summary()));
}

void FlagsPane::deleteFlag(const QString &key, const QString &environment)
{
    const FlagState *before = stateOf({key, environment});
    if (!before)
        return;
    const QString caveat = m_backends.value(environment)->deleteCaveat();
    write(environment, FlagEdit::remove(*before),
          tr("Delete %1 from %2 (now %3)? Code that asks for it gets its default (off).%4")
              .arg(flagLabel(*before), environment, before->summary(),
                   caveat.isEmpty() ? QString() : QStringLiteral("\n") + caveat));
}

void FlagsPane::write(const QString &environment, const FlagEdit &edit, const QString &description)
{
    FlagsBackend *b = m_backends.value(environment);
    const EnvironmentSpec *env = m_workspace.environment(environment);
    if (!b || !env)
        return;
    if (const Status valid = edit.validate(); !valid) {
        banner()->showMessage(MessageBanner::Level::Error, valid.errorString());
        return;
    }
    ActionRequest r = flagEditRequest(m_workspace.name, *env, edit);
    r.description = description;
    if (const QString caveat = b->writeCaveat(); !caveat.isEmpty())
        r.description += QStringLiteral("\n\n") + caveat;
    m_actions.submit(
        r,
        [this, environment, edit](const ActionRequest &, ActionPipeline::Finish finish) {
            apply(environment, edit, finish);
        },
        [this](const ActionOutcome &outcome) { reportUnstarted(outcome); });
}

void FlagsPane::reportUnstarted(const ActionOutcome &outcome)
{
    if (outcome.status == ActionOutcome::Status::NotConfirmed) {
        emit statusMessage(tr("Nothing changed"));
    } else if (outcome.status == ActionOutcome::Status::Refused) {
        banner()->showMessage(MessageBanner::Level::Error, outcome.message);
    }
}

void FlagsPane::apply(const QString &environment, const FlagEdit &edit,
                      ActionPipeline::Finish finish)
{
    FlagsBackend *b = m_backends.value(environment);
    emit statusMessage(tr("%1: writing %2…").arg(environment, edit.subject().name));
    onFinished(b->apply(edit), this, [this, environment, edit, finish](const FlagWritten &written) {
        finish(written.status ? Result<QString>(QString())
                              : Result<QString>(written.status.error()));
        showWriteOutcome(environment, edit, written.status, written.via);
        reload(environment);
        emit writeFinished(environment, flagKey(edit.subject()), written.status.ok());
    });
}

void FlagsPane::showWriteOutcome(const QString &environment, const FlagEdit &edit,
                                 const Status &written, const QString &via)
{
    const QString change =
        QStringLiteral("%1 in %2: %3 → %4")
            .arg(flagLabel(edit.subject()), environment, edit.beforeText(), edit.afterText());
    if (!written) {
        banner()->showMessage(
            MessageBanner::Level::Error,
            tr("Not written — %1: %2").arg(change, written.errorString()) +
                (written.error().code == kFlagConflict
                     ? tr("\nThe matrix now shows the current state; decide again.")
                     : QString()));
        return;
    }
    const QString caveat = m_backends.value(environment)->writeCaveat();
    banner()->showMessage(caveat.isEmpty() ? MessageBanner::Level::Positive
                                           : MessageBanner::Level::Warning,
                          tr("Written (%1) — %2").arg(via, change) +
                              (caveat.isEmpty() ? QString() : QStringLiteral("\n") + caveat));
}

void FlagsPane::killSwitch(const QString &key)
{
    const int row = m_model->rowOf(key);
    const FlagState *any = m_model->anyState(row);
    if (!any || any->kind == FlagState::Kind::Sample)
        return;
    QList<std::pair<QString, FlagEdit>> edits;
    QStringList lines;
    for (const QString &env : m_model->environments()) {
        const FlagState *before = m_model->state(row, env);
        if (!before || before->effect() == FlagState::Effect::Off || !m_backends.contains(env))
            continue;
        FlagState after = *before;
        if (after.kind == FlagState::Kind::Switch)
            after.active = false;
        else
            after.everyone = false;
        edits.append({env, FlagEdit::update(*before, after)});
        lines << QStringLiteral("  %1: %2 → off").arg(env, before->summary());
    }
    if (edits.isEmpty()) {
        emit statusMessage(tr("%1 is already off everywhere").arg(any->name));
        return;
    }
    // One question at the strictest level among the environments, then one audited write
    // per environment (the protected one first, so it is the one confirmed by name).
    std::stable_partition(edits.begin(), edits.end(),
                          [this](const auto &e) { return isProtected(e.first); });
    const auto &[firstEnv, firstEdit] = edits.first();
    ActionRequest r =
        flagEditRequest(m_workspace.name, *m_workspace.environment(firstEnv), firstEdit);
    r.kind = ActionKind::FlagKill;
    r.description = tr("Turn %1 off in every environment:\n%2")
                        .arg(flagLabel(*any), lines.join(QLatin1Char('\n')));
    m_actions.submit(
        r,
        [this, edits](const ActionRequest &confirmed, ActionPipeline::Finish finish) {
            apply(edits.first().first, edits.first().second, finish);
            for (qsizetype i = 1; i < edits.size(); ++i) {
                const auto &[env, edit] = edits.at(i);
                ActionRequest next =
                    flagEditRequest(m_workspace.name, *m_workspace.environment(env), edit);
                next.kind = ActionKind::FlagKill;
                next.comment = confirmed.comment; // each row is a flag.kill with the reason
                m_actions.submitConfirmed(
                    next,
                    [this, env, edit](const ActionRequest &, ActionPipeline::Finish done) {
                        apply(env, edit, done);
                    },
                    [this](const ActionOutcome &outcome) { reportUnstarted(outcome); });
            }
        },
        [this](const ActionOutcome &outcome) { reportUnstarted(outcome); });
}

void FlagsPane::findUsages(const QString &key)
{
    const FlagState *any = m_model->anyState(m_model->rowOf(key));
    if (!any)
        return;
    QStringList deployRepos;
    for (const EnvironmentSpec &env : m_workspace.environments)
        if (env.deploy)
            deployRepos << env.deploy->repo;
    const QStringList repositories = flagUsageRepositories(m_workspace.filePath, deployRepos);
    delete m_usageSearch;
    m_usageSearch = new FlagUsageSearch(repositories, any->name, this);
    m_details->setSearching();
    connect(m_usageSearch, &FlagUsageSearch::finished, this, [this, repositories] {
        m_details->setUsages(m_usageSearch->usages(), m_usageSearch->problems(),
                             int(repositories.size()));
        emit usagesFound();
    });
    m_usageSearch->start();
}

void FlagsPane::updateDetails()
{
    const Target target = currentTarget();
    const int row = m_model->rowOf(target.key);
    const FlagState *any = m_model->anyState(row);
    if (!any) {
        m_details->clear();
        return;
    }
    QList<std::pair<QString, const FlagState *>> states;
    for (const QString &env : m_model->environments())
        states.append({env, m_model->state(row, env)});
    m_details->showFlag(flagLabel(*any), states);
    // The audit log is a small local SQLite file: read here, like the other history views.
    m_details->setHistory(m_actions.auditLog()->forTarget(m_workspace.name, flagLabel(*any)));
    for (auto it = m_backends.cbegin(); it != m_backends.cend(); ++it)
        if (it.value()->capabilities() & FlagsBackend::ServerEvents) {
            onFinished(it.value()->events(any->name), this,
                       [this, key = target.key](const Result<QList<FlagEvent>> &events) {
                           if (events && currentTarget().key == key)
                               m_details->addServerEvents(*events);
                       });
            break; // one Unleash server holds every environment's events
        }
}

void FlagsPane::updateActions()
{
    const Target target = currentTarget();
    const FlagState *state = stateOf(target);
    const FlagsBackend *b = m_backends.value(target.environment);
    const int caps = b ? b->capabilities() : 0;
    m_on->setEnabled(state);
    m_off->setEnabled(state);
    m_percent->setEnabled(state && (caps & FlagsBackend::Percent) &&
                          state->kind != FlagState::Kind::Switch);
    m_edit->setEnabled(state);
    m_delete->setEnabled(state && (caps & FlagsBackend::Delete));
    m_new->setEnabled(!m_backends.isEmpty());
    m_kill->setEnabled(!target.key.isEmpty() && !target.key.startsWith(QLatin1String("sample:")));
    m_usages->setEnabled(!target.key.isEmpty());
}

void FlagsPane::askPercent()
{
    const Target target = currentTarget();
    const FlagState *state = stateOf(target);
    if (!state)
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1 — %2").arg(state->name, target.environment));
    dialog->setLabelText(tr("Share of users (0–99.9 %; 100 % is \"Turn on\"):"));
    dialog->setInputMode(QInputDialog::DoubleInput);
    dialog->setDoubleDecimals(1);
    dialog->setDoubleRange(0, state->kind == FlagState::Kind::Sample ? 100 : 99.9);
    dialog->setDoubleValue(state->percent.value_or(0));
    connect(dialog, &QInputDialog::doubleValueSelected, this,
            [this, target](double value) { setPercent(target.key, target.environment, value); });
    dialog->open();
}

void FlagsPane::openEditor(bool creating)
{
    const Target target = currentTarget();
    const FlagState *state = stateOf(target);
    QString environment = target.environment.isEmpty() ? m_currentEnvironment : target.environment;
    FlagsBackend *b = m_backends.value(environment);
    for (const QString &env : m_model->environments())
        if (!b && creating && (b = m_backends.value(env)))
            environment = env;
    if (!b || (!creating && !state))
        return;
    FlagState initial;
    if (creating) {
        initial.superusers = true; // waffle's own default for a new flag
        initial.everyone = false;
        initial.hasWaffleRules = b->capabilities() & FlagsBackend::Rules;
    } else {
        initial = *state;
    }
    auto *dialog = new FlagEditDialog(initial, b->capabilities(), creating, environment, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, creating, target, environment] {
        if (creating)
            createFlag(environment, dialog->state());
        else
            applyState(target.key, environment, dialog->state());
    });
    dialog->open();
}

void FlagsPane::showContextMenu(const QPoint &pos)
{
    if (!m_view->indexAt(pos).isValid())
        return;
    QMenu menu;
    menu.addActions({m_on, m_off, m_percent, m_edit});
    menu.addSeparator();
    menu.addActions({m_delete, m_kill});
    menu.addSeparator();
    menu.addAction(m_usages);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace Opsdeck
