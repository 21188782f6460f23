// SPDX-License-Identifier: GPL-3.0-or-later
#include "checkspanel.h"

#include "checkresultsmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace Opsdeck {

ChecksPanel::ChecksPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new CheckResultsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_detail(new QTextBrowser(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CheckResultsModel::VerdictRole);
    m_table->setObjectName(QStringLiteral("checksTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CheckResultsModel::Verdict_, Qt::DescendingOrder); // problems first
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(CheckResultsModel::Verdict_,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CheckResultsModel::Title,
                                                      QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    m_detail->setObjectName(QStringLiteral("checkDetail"));
    m_detail->setOpenLinks(false);
    // Index and table names are never broken mid-word (QTextEdit's default breaks anywhere).
    m_detail->setWordWrapMode(QTextOption::WordWrap);

    m_copyFix = new QPushButton(QStringLiteral("Copy fix SQL"), this);
    m_copyFix->setObjectName(QStringLiteral("copyFix"));
    connect(m_copyFix, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_proxy->mapToSource(m_table->currentIndex());
        if (const CheckResult *c = m_model->check(current.row())) {
            QStringList fixes;
            for (const Finding &f : c->findings)
                if (!f.fix.isEmpty())
                    fixes << f.fix;
            QApplication::clipboard()->setText(fixes.join(QLatin1Char('\n')));
        }
    });
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_detail, 1);
    rightLayout->addWidget(m_copyFix, 0, Qt::AlignLeft);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(right);
    splitter->setSizes({300, 260});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ChecksPanel::showSelected);
    connect(m_detail, &QTextBrowser::anchorClicked, this, [this](const QUrl &link) {
        if (link.scheme() == QLatin1String("plan"))
            emit planRequested(QStringLiteral("pg_stat_statements:") + link.path());
    });
}

void ChecksPanel::setReport(const HealthReport &report)
{
    const QString selected = m_table->currentIndex().data(CheckResultsModel::NameRole).toString();
    m_model->setReport(report);
    if (!selected.isEmpty())
        selectCheck(selected);
    else if (m_proxy->rowCount() > 0 && !m_table->currentIndex().isValid())
        m_table->selectRow(0);
    showSelected();
}

void ChecksPanel::selectCheck(const QString &name)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        if (m_proxy->index(row, 0).data(CheckResultsModel::NameRole).toString() == name)
            m_table->selectRow(row);
}

QString ChecksPanel::detailText() const
{
    return m_detail->toPlainText();
}

void ChecksPanel::showSelected()
{
    const CheckResult *c = m_model->check(m_proxy->mapToSource(m_table->currentIndex()).row());
    m_copyFix->setEnabled(c && std::any_of(c->findings.cbegin(), c->findings.cend(),
                                           [](const Finding &f) { return !f.fix.isEmpty(); }));
    m_copyFix->setText(c && c->fixIsAdvice ? QStringLiteral("Copy advice")
                                           : QStringLiteral("Copy fix SQL"));
    m_copyFix->setToolTip(
        c && c->fixIsAdvice
            ? QStringLiteral("This check's suggestions are advice to weigh (settings, sizing, "
                             "restarts), not SQL to run as it stands.")
            : QStringLiteral(
                  "Copies the suggested SQL for every object of this check. Each "
                  "statement makes its finding go away; Opsdeck never runs it for you."));
    if (!c) {
        m_detail->clear();
        return;
    }
    QString html =
        QStringLiteral("<h3>%1 — %2</h3><p>%3</p>")
            .arg(c->title.toHtmlEscaped(), verdictName(c->verdict), c->explanation.toHtmlEscaped());
    if (!c->error.isEmpty())
        html += QStringLiteral("<p><b>%1</b></p>").arg(c->error.toHtmlEscaped());
    if (!c->thresholds.isEmpty()) {
        QStringList parts;
        for (auto it = c->thresholds.cbegin(); it != c->thresholds.cend(); ++it)
            parts << QStringLiteral("%1 = %2").arg(it.key(), it.value().toString());
        // A replica's "standby1/long_running" takes the environment's long_running limits.
        const QString checkName = c->name.section(QLatin1Char('/'), -1);
        html += QStringLiteral("<p><i>Thresholds (set them under database.thresholds.%1 in the "
                               "workspace):</i> %2</p>")
                    .arg(checkName, parts.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    if (!c->findings.isEmpty()) {
        html +=
            QStringLiteral("<table cellspacing=0 cellpadding=3 border=1 width=100%>"
                           "<tr><th>Object</th><th>Severity</th><th>Detail</th><th>%1</th></tr>")
                .arg(c->fixIsAdvice ? QStringLiteral("Advice") : QStringLiteral("Suggested fix"));
        // A slow statement's id is a link to its plan in the Database pane's console.
        const bool planLinks = c->name == QLatin1String("top_queries");
        for (const Finding &f : c->findings) {
            const QString object = planLinks ? QStringLiteral("<a href=\"plan:%1\">%1 (plan)</a>")
                                                   .arg(f.object.toHtmlEscaped())
                                             : f.object.toHtmlEscaped();
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td><tt>%4</tt></td></tr>")
                        .arg(object, verdictName(f.severity), f.detail.toHtmlEscaped(),
                             f.fix.toHtmlEscaped());
        }
        html += QStringLiteral("</table>");
    }
    m_detail->setHtml(html);
}

} // namespace Opsdeck
