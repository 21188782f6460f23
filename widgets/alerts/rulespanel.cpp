// SPDX-License-Identifier: GPL-3.0-or-later
#include "rulespanel.h"

#include "common/formatting.h"
#include "common/futures.h"
#include "statuscolors.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

enum Column { Rule, Group, Where, What };

QTreeWidgetItem *section(QTreeWidget *tree, const QString &title, int count, Health health)
{
    auto *item = new QTreeWidgetItem(tree, {QStringLiteral("%1 (%2)").arg(title).arg(count)});
    item->setIcon(Rule, healthIcon(count > 0 ? health : Health::Good));
    item->setFirstColumnSpanned(true);
    return item;
}

/** A rule file's place as the workspace names it: relative to the workspace's folder. */
QString placeOf(const QString &baseDirectory, const QString &file, int line)
{
    return QStringLiteral("%1:%2").arg(QDir(baseDirectory).relativeFilePath(file)).arg(line);
}

void add(QTreeWidgetItem *parent, const QString &rule, const QString &group, const QString &where,
         const QString &what)
{
    auto *item = new QTreeWidgetItem(parent, {rule, group, where, what});
    item->setToolTip(What, what);
}

} // namespace

RulesPanel::RulesPanel(const Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_patterns(workspace.alertRuleFiles)
    , m_baseDirectory(workspace.directory)
    , m_status(new QLabel(this))
    , m_tree(new QTreeWidget(this))
    , m_reload(new QPushButton(tr("Check again"), this))
{
    m_status->setObjectName(QStringLiteral("rulesStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText); // promtool's words, file names: text
    m_tree->setObjectName(QStringLiteral("rulesTree"));
    m_tree->setHeaderLabels({tr("Rule"), tr("Group"), tr("Where"), tr("What")});
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setRootIsDecorated(true);
    m_reload->setToolTip(tr("Read the rule files again and run promtool check rules"));
    connect(m_reload, &QPushButton::clicked, this, &RulesPanel::reload);
    auto *top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_reload);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);
    if (m_patterns.isEmpty()) {
        m_reload->setEnabled(false);
        m_status->setText(tr("The workspace names no rule files. Keep the alerting rules in the "
                             "repository and name them — alerts: { rules: [alerts/*.yml] } — to "
                             "see them checked and compared with what Prometheus runs."));
    }
}

void RulesPanel::reload()
{
    if (m_patterns.isEmpty() || m_reading)
        return;
    m_reading = true;
    m_reload->setEnabled(false);
    m_status->setText(
        tr("Reading %1 and running promtool…").arg(m_patterns.join(QStringLiteral(", "))));
    onFinished(checkRuleFiles(m_patterns, m_baseDirectory), this,
               [this](const RuleFilesCheck &check) {
                   m_reading = false;
                   m_reload->setEnabled(true);
                   m_check = check;
                   showComparison();
               });
}

void RulesPanel::setServerRules(const QList<AlertRule> &rules)
{
    m_server = rules;
    if (m_check)
        showComparison();
}

void RulesPanel::showComparison()
{
    const RuleFilesCheck &check = *m_check;
    QStringList status{countOf(int(check.files.files.size()), QStringLiteral("rule file"),
                               QStringLiteral("rule files")) +
                       QStringLiteral(", ") +
                       countOf(int(check.files.rules.size()), QStringLiteral("alerting rule"),
                               QStringLiteral("alerting rules"))};
    if (!check.promtool.ran)
        status << check.promtool.output;
    else
        status << (check.promtool.passed ? tr("promtool check rules: passed")
                                         : tr("promtool check rules FAILED"));
    const QString selected = m_tree->currentItem() ? m_tree->currentItem()->text(Rule) : QString();
    m_tree->clear();
    if (!check.files.errors.isEmpty() || (check.promtool.ran && !check.promtool.passed)) {
        QStringList problems = check.files.errors;
        if (check.promtool.ran && !check.promtool.passed)
            problems << check.promtool.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QTreeWidgetItem *errors =
            section(m_tree, tr("Problems in the files"), int(problems.size()), Health::Critical);
        for (const QString &problem : problems)
            add(errors, problem.section(QLatin1Char(':'), 0, 0), QString(), QString(), problem);
    }
    if (!m_server) {
        status << tr("waiting for the server's rules");
    } else {
        const RuleDrift drift = compareRules(check.files.rules, *m_server);
        status << (drift.isEmpty() ? tr("the server runs what the repository says")
                                   : tr("the server and the repository differ"));
        QTreeWidgetItem *repo = section(m_tree, tr("Only in the repository"),
                                        int(drift.onlyInRepo.size()), Health::Warning);
        for (const RepoRule &r : drift.onlyInRepo)
            add(repo, r.name, r.group, placeOf(m_baseDirectory, r.file, r.line),
                tr("not loaded by Prometheus: deploy the rule file, then reload Prometheus"));
        QTreeWidgetItem *server = section(m_tree, tr("Only on the server"),
                                          int(drift.onlyOnServer.size()), Health::Warning);
        for (const AlertRule &r : drift.onlyOnServer)
            add(server, r.name, r.group, r.file,
                tr("in no rule file of the repository: a hand edit on the server?"));
        QTreeWidgetItem *differing =
            section(m_tree, tr("Different"), int(drift.differing.size()), Health::Warning);
        for (const RuleDrift::Differing &d : drift.differing)
            add(differing, d.repo.name, d.repo.group,
                placeOf(m_baseDirectory, d.repo.file, d.repo.line),
                d.what.join(QStringLiteral("; ")));
        QTreeWidgetItem *same = section(m_tree, tr("The same"), drift.same, Health::Good);
        for (const RepoRule &r : drift.matching)
            add(same, r.name, r.group, placeOf(m_baseDirectory, r.file, r.line),
                tr("expr, for, labels and annotations as in the repository"));
    }
    m_status->setText(status.join(QStringLiteral(" — ")));
    m_tree->expandAll();
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
        if (!selected.isEmpty() && (*it)->text(Rule) == selected)
            m_tree->setCurrentItem(*it);
    emit compared();
}

} // namespace Opsdeck
