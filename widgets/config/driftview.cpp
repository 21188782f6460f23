// SPDX-License-Identifier: GPL-3.0-or-later
#include "driftview.h"
#include "common/emptystate.h"

#include "common/futures.h"
#include "configdriftmodel.h"

#include <QCheckBox>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace Opsdeck {

namespace {

/** Hides rows that are the same everywhere when "only differences" is on. */
class DriftFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setOnlyDifferences(bool on)
    {
        m_only = on;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        if (!m_only)
            return true;
        const auto state = DriftRow::State(
            sourceModel()->index(row, 0, parent).data(ConfigDriftModel::StateRole).toInt());
        return state == DriftRow::State::Inconsistent || state == DriftRow::State::Missing ||
               state == DriftRow::State::Differs;
    }

private:
    bool m_only = true;
};

} // namespace

DriftView::DriftView(const Workspace &workspace, const QString &currentEnvironment, SshPool *pool,
                     ActionPipeline *actions, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_current(currentEnvironment)
    , m_pool(pool)
    , m_actions(actions)
    , m_environmentList(new QListWidget(this))
    , m_includeSecrets(new QCheckBox(tr("Include secrets keys"), this))
    , m_onlyDifferences(new QCheckBox(tr("Only differences"), this))
    , m_reveal(new QCheckBox(tr("Reveal values"), this))
    , m_summary(new QLabel(this))
    , m_table(new QTableView(this))
    , m_model(new ConfigDriftModel(this))
    , m_filter(new DriftFilter(this))
{
    for (const EnvironmentSpec &env : m_workspace.environments) {
        auto *item = new QListWidgetItem(env.name, m_environmentList);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    m_environmentList->setMaximumWidth(180);
    m_includeSecrets->setChecked(true);
    m_includeSecrets->setToolTip(tr("Compare the key names of the environments' sops files too "
                                    "(their values are never decrypted here)"));
    m_onlyDifferences->setChecked(true);
    m_filter->setSourceModel(m_model);
    m_table->setModel(m_filter);
    EmptyState::attach(m_table, [this] {
        if (m_model->rowCount() > 0)
            return tr("Every key is the same in the environments compared.");
        return isLoading() ? QString() : tr("No keys to compare: tick two environments above.");
    });
    m_table->setSortingEnabled(true);
    m_filter->setSortRole(ConfigDriftModel::SortRole);
    // Worst first: an environment disagreeing with itself, then missing, differing, … (by key
    // within each: the sort is stable and the rows come sorted by key).
    m_table->sortByColumn(ConfigDriftModel::StateColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &DriftView::showMenu);
    connect(m_onlyDifferences, &QCheckBox::toggled, this,
            [this](bool on) { static_cast<DriftFilter *>(m_filter)->setOnlyDifferences(on); });
    connect(m_reveal, &QCheckBox::toggled, m_model, &ConfigDriftModel::setRevealAll);
    connect(m_includeSecrets, &QCheckBox::toggled, this, &DriftView::refresh);
    connect(m_environmentList, &QListWidget::itemChanged, this, &DriftView::refresh);
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    connect(refreshButton, &QPushButton::clicked, this, &DriftView::refresh);

    auto *options = new QHBoxLayout;
    options->addWidget(m_includeSecrets);
    options->addWidget(m_onlyDifferences);
    options->addWidget(m_reveal);
    options->addStretch(1);
    options->addWidget(refreshButton);
    auto *right = new QVBoxLayout;
    right->addLayout(options);
    right->addWidget(m_summary);
    right->addWidget(m_table, 1);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_environmentList);
    layout->addLayout(right, 1);
}

void DriftView::setEnvironments(const QStringList &environments)
{
    const QSignalBlocker block(m_environmentList);
    for (int i = 0; i < m_environmentList->count(); ++i) {
        QListWidgetItem *item = m_environmentList->item(i);
        item->setCheckState(environments.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
    refresh();
}

QStringList DriftView::checkedEnvironments() const
{
    QStringList names;
    for (int i = 0; i < m_environmentList->count(); ++i)
        if (m_environmentList->item(i)->checkState() == Qt::Checked)
            names << m_environmentList->item(i)->text();
    return names;
}

void DriftView::refresh()
{
    const QStringList names = checkedEnvironments();
    m_summary->setText(tr("Reading the config of %1…").arg(names.join(QStringLiteral(", "))));
    QList<QFuture<EnvironmentConfig>> reads;
    for (const QString &name : names)
        if (const EnvironmentSpec *env = m_workspace.environment(name))
            reads << readEnvironmentConfig(*env, m_pool, m_includeSecrets->isChecked());
    using Done = QList<QFuture<EnvironmentConfig>>;
    m_reading.start(reads.isEmpty() ? QtFuture::makeReadyFuture(Done())
                                    : QtFuture::whenAll(reads.begin(), reads.end()),
                    [this](const Done &done) {
                        m_configs.clear();
                        for (const QFuture<EnvironmentConfig> &read : done)
                            if (read.resultCount())
                                m_configs << read.result();
                        showDrift();
                    });
}

void DriftView::showDrift()
{
    QList<DriftInput> inputs;
    QStringList names, problems;
    for (const EnvironmentConfig &config : std::as_const(m_configs)) {
        names << config.environment;
        inputs << config.input;
        problems << config.fileProblems << config.secretsProblems;
    }
    const QList<DriftRow> rows = computeDrift(inputs);
    m_model->setDrift(names, rows);
    QString text = driftSummary(rows).toHtmlEscaped();
    if (!problems.isEmpty())
        text += QStringLiteral("<br><span style='color:#b03a2e'>") +
                problems.join(QStringLiteral("<br>")).toHtmlEscaped() + QStringLiteral("</span>");
    m_summary->setText(text);
    m_table->resizeColumnsToContents();
    emit refreshed();
}

void DriftView::showMenu(const QPoint &position)
{
    const QModelIndex index = m_filter->mapToSource(m_table->indexAt(position));
    const int env = index.column() - ConfigDriftModel::FirstEnvironmentColumn;
    if (!index.isValid() || env < 0)
        return;
    const DriftRow &row = m_model->rows().at(index.row());
    const std::optional<DriftInput::Value> &cell = row.cells.at(env);
    if (!cell || !cell->known)
        return; // nothing to copy (missing here, or a secret whose value is not read)
    QMenu menu(this);
    const QString source = m_model->environments().at(env);
    for (const QString &target : m_model->environments()) {
        if (target == source)
            continue;
        menu.addAction(
            tr("Copy %1's value of %2 to %3…").arg(source, row.key, target), this,
            [this, key = row.key, value = cell->text, target] { copyValue(key, value, target); });
    }
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

void DriftView::copyValue(const QString &key, const QString &value, const QString &target)
{
    const auto config =
        std::find_if(m_configs.cbegin(), m_configs.cend(),
                     [&](const EnvironmentConfig &c) { return c.environment == target; });
    const EnvironmentConfig::File *chosen =
        config != m_configs.cend() ? config->fileFor(key) : nullptr;
    if (!chosen) {
        m_summary->setText(tr("%1 has no .env file to copy %2 into").arg(target, key));
        emit copyFinished(target, false);
        return;
    }
    // Protected as the environment whose file is written, not the one this view belongs to.
    const EnvironmentSpec *env = m_workspace.environment(target);
    ActionRequest request;
    request.kind = ActionKind::ConfigCopy;
    request.workspace = m_workspace.name;
    request.environment = target;
    request.isProtected = env && env->isProtected;
    request.target = chosen->spec.location;
    request.after = QStringLiteral("key %1").arg(key);
    request.description = tr("Set %1 in %2 (%3)?").arg(key, target, chosen->spec.location);
    m_actions->submit(
        request,
        [this, key, value, file = *chosen](const ActionRequest &, ActionPipeline::Finish finish) {
            writeCopy(key, value, file, finish);
        },
        [this, target](const ActionOutcome &outcome) {
            if (!outcome.ok() && !outcome.message.isEmpty() &&
                outcome.status != ActionOutcome::Status::NotConfirmed)
                m_summary->setText(outcome.message);
            emit copyFinished(target, outcome.ok());
            if (outcome.ok())
                refresh();
        });
}

void DriftView::writeCopy(const QString &key, const QString &value,
                          const EnvironmentConfig::File &file, ActionPipeline::Finish finish)
{
    DotenvFile edited = DotenvFile::parse(file.snapshot.bytes);
    if (const Status set = edited.setValue(key, value); !set)
        return finish(Result<QString>(set.error()));
    auto *access = new ConfigFileAccess(file.spec, m_pool, this);
    onFinished(
        access->save(edited.serialize(), file.snapshot), this,
        [access, key, location = file.spec.location,
         finish](const Result<ConfigSaveOutcome> &saved) {
            access->deleteLater();
            if (!saved)
                finish(Result<QString>::failure(
                    tr("%1 not copied to %2: %3").arg(key, location, saved.errorString())));
            else if (saved->conflict)
                finish(Result<QString>::failure(
                    tr("%1 not copied to %2: it changed since it was read").arg(key, location)));
            else
                finish(QString());
        });
}

} // namespace Opsdeck
