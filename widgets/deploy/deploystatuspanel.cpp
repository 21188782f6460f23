// SPDX-License-Identifier: GPL-3.0-or-later
#include "deploystatuspanel.h"

#include <QAction>

#include "common/formatting.h"
#include "deploy/deploycontext.h"
#include "statuscolors.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QTreeWidget *makeTable(const QString &name, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTreeWidget(parent);
    table->setObjectName(name);
    table->setHeaderLabels(headers);
    table->setRootIsDecorated(false);
    table->setAlternatingRowColors(true);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->header()->setStretchLastSection(true);
    return table;
}

Health healthOf(HistoryEntry::Result result)
{
    switch (result) {
    case HistoryEntry::Result::Succeeded:
        return Health::Good;
    case HistoryEntry::Result::Running:
    case HistoryEntry::Result::Started:
        return Health::Checking;
    case HistoryEntry::Result::Cancelled:
        return Health::Warning;
    case HistoryEntry::Result::Failed:
    case HistoryEntry::Result::Interrupted:
        return Health::Critical;
    }
    return Health::Unknown;
}

QWidget *titled(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(QStringLiteral("<b>%1</b>").arg(title), box);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

DeployStatusPanel::DeployStatusPanel(QWidget *parent)
    : QWidget(parent)
    , m_hosts(
          makeTable(QStringLiteral("deployHosts"),
                    {QStringLiteral("Host"), QStringLiteral("Current release"),
                     QStringLiteral("Ref"), QStringLiteral("Deployed by"), QStringLiteral("When"),
                     QStringLiteral("Free disk"), QStringLiteral("Releases")},
                    this))
    , m_releases(makeTable(QStringLiteral("deployReleases"),
                           {QStringLiteral("Release"), QStringLiteral("Ref"),
                            QStringLiteral("Deployed by"), QStringLiteral("When"),
                            QStringLiteral("Current on"), QStringLiteral("Comment")},
                           this))
    , m_history(
          makeTable(QStringLiteral("deployHistory"),
                    {QStringLiteral("Started"), QStringLiteral("Action"), QStringLiteral("Ref"),
                     QStringLiteral("Result"), QStringLiteral("By"), QStringLiteral("Took"),
                     QStringLiteral("Release"), QStringLiteral("Comment / reason")},
                    this))
{
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(titled(QStringLiteral("Hosts"), m_hosts, split));
    split->addWidget(titled(QStringLiteral("Releases"), m_releases, split));
    split->addWidget(titled(QStringLiteral("Recent deploys (from the servers' revisions.jsonl)"),
                            m_history, split));
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 4);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    // What the app said while a deploy ran, one double-click away.
    const auto logsAround = [this](QTreeWidgetItem *item) {
        if (item && item->data(0, Qt::UserRole).toDateTime().isValid())
            emit logsAroundRequested(item->data(0, Qt::UserRole).toDateTime());
    };
    connect(m_history, &QTreeWidget::itemDoubleClicked, this, logsAround);
    m_history->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *logs = new QAction(tr("Logs around this deploy"), m_history);
    connect(logs, &QAction::triggered, this,
            [this, logsAround] { logsAround(m_history->currentItem()); });
    m_history->addAction(logs);
}

void DeployStatusPanel::showState(const EnvironmentDeployState &state)
{
    fillHosts(state);
    fillReleases(state);
    fillHistory(state);
}

void DeployStatusPanel::fillHosts(const EnvironmentDeployState &state)
{
    m_hosts->clear();
    const QLocale locale;
    for (const HostDeployState &h : state.hosts) {
        auto *item = new QTreeWidgetItem(m_hosts);
        item->setText(0, h.host);
        if (!h.error.isEmpty()) {
            item->setIcon(0, healthIcon(Health::Critical));
            item->setText(1, QStringLiteral("unreachable: ") + h.error);
            continue;
        }
        item->setIcon(0, healthIcon(h.current.isEmpty() ? Health::Warning : Health::Good));
        item->setText(1, h.current.isEmpty()
                             ? (h.pathMissing ? QStringLiteral("never deployed")
                                              : QStringLiteral("no current release"))
                             : h.current);
        if (const HistoryEntry *deploy = state.deployOf(h.current)) {
            item->setText(2, deploy->ref);
            item->setText(3, deploy->user);
            item->setText(4, formatWhen(deploy->time));
            item->setToolTip(
                4, deploy->time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t")));
        }
        if (h.freeBytes >= 0)
            item->setText(5, locale.formattedDataSize(h.freeBytes));
        item->setText(6, QString::number(h.releases.size()));
    }
}

void DeployStatusPanel::fillReleases(const EnvironmentDeployState &state)
{
    m_releases->clear();
    for (const QString &release : state.releases) {
        auto *item = new QTreeWidgetItem(m_releases);
        item->setText(0, release);
        item->setData(0, Qt::UserRole, release);
        QStringList currentOn;
        for (const HostDeployState &h : state.hosts)
            if (h.current == release)
                currentOn << h.host;
        if (const HistoryEntry *deploy = state.deployOf(release)) {
            item->setText(1, deploy->ref);
            item->setText(2, deploy->user);
            item->setText(3, formatWhen(deploy->time));
            item->setText(5, deploy->comment);
        } else {
            item->setText(1, releaseRevision(release));
        }
        item->setText(4, currentOn.join(QStringLiteral(", ")));
        if (!currentOn.isEmpty()) {
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c < m_releases->columnCount(); ++c)
                item->setFont(c, bold);
        }
    }
}

void DeployStatusPanel::fillHistory(const EnvironmentDeployState &state)
{
    m_history->clear();
    for (const HistoryEntry &e : state.history) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, formatWhen(e.time));
        item->setToolTip(0, e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t")) +
                                tr(" — double-click for the logs around it"));
        item->setData(0, Qt::UserRole, e.time);
        item->setText(1, e.action);
        item->setText(2, e.ref.isEmpty() ? e.revision.left(7) : e.ref);
        item->setIcon(3, healthIcon(healthOf(e.result)));
        item->setText(3, resultLabel(e.result));
        item->setText(4, e.user);
        if (e.durationSeconds > 0)
            item->setText(5, QStringLiteral("%1 s").arg(e.durationSeconds, 0, 'f', 1));
        item->setText(6, e.release);
        const QString why = e.message.isEmpty()   ? e.comment
                            : e.comment.isEmpty() ? e.message
                                                  : e.comment + QStringLiteral(" — ") + e.message;
        item->setText(7, why);
        item->setToolTip(7, why);
    }
}

} // namespace Opsdeck
