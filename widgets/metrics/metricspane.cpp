// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricspane.h"

#include "alerts/alertbands.h"
#include "alerts/alertsclient.h"
#include "audit/auditlog.h"
#include "chartpanel.h"
#include "common/futures.h"
#include "common/messagebanner.h"
#include "deploy/deploystatusquery.h"
#include "metrics/prometheusclient.h"
#include "metrics/sqlpanel.h"
#include "pg/pgconnection.h"
#include "promqlcompleter.h"
#include "runtime/databasesession.h"
#include "runtime/environmentcontext.h"
#include "timechartview.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

namespace {

const std::pair<const char *, qint64> kRanges[] = {
    {"Last 5 minutes", 300}, {"Last 15 minutes", 900}, {"Last hour", 3600},
    {"Last 6 hours", 21600}, {"Last 24 hours", 86400}, {"Last 7 days", 604800}};
const std::pair<const char *, int> kRefresh[] = {{"Refresh: off", 0},
                                                 {"Every 5 s", 5},
                                                 {"Every 10 s", 10},
                                                 {"Every 30 s", 30},
                                                 {"Every minute", 60}};

QString databaseName(const EnvironmentSpec &env)
{
    if (!env.database)
        return {};
    const Result<PgTarget> target = PgConnection::target(env.database->conninfo);
    return target ? target->database : QString();
}

} // namespace

MetricsPane::MetricsPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_workspace(context.workspace())
    , m_environment(context.environment())
    , m_pool(context.sshPool())
    , m_prometheus(context.prometheus())
    , m_database(context.monitoringSession())
    , m_dashboards(m_workspace.dashboards + builtinDashboards())
    , m_grid(new QWidget)
    , m_gridLayout(new QGridLayout(m_grid))
    , m_dashboardBox(new QComboBox)
    , m_rangeBox(new QComboBox)
    , m_refreshBox(new QComboBox)
    , m_backButton(new QToolButton)
    , m_forwardButton(new QToolButton)
    , m_hideEmpty(new QCheckBox(tr("Hide empty series")))
    , m_allAlerts(new QCheckBox(tr("All alerts")))
    , m_query(new QLineEdit)
    , m_rangeLabel(new QLabel)
{
    auto *bar = new QWidget;
    buildToolbar(bar);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_grid);
    m_gridLayout->setSpacing(8);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(banner());
    layout->addWidget(scroll, 1);
    m_autoRefresh.setTimerType(Qt::CoarseTimer);
    connect(&m_autoRefresh, &QTimer::timeout, this, &MetricsPane::refresh);
    rebuildPanels();
    loadAnnotations();
    if (AlertsClient *alerts = context.alerts()) // the rules decide which panel gets which band
        connect(alerts, &AlertsClient::changed, this, &MetricsPane::applyAnnotations);
    if (m_prometheus)
        new PromqlCompleter(m_query, m_prometheus, this);
    // First query once the layout has given the panels their widths (the step depends on it).
    QTimer::singleShot(0, this, &MetricsPane::refresh);
}

MetricsPane::~MetricsPane() = default;

void MetricsPane::buildToolbar(QWidget *bar)
{
    for (const DashboardSpec &d : std::as_const(m_dashboards))
        m_dashboardBox->addItem(d.name);
    for (const auto &[label, seconds] : kRanges)
        m_rangeBox->addItem(tr(label), seconds);
    m_rangeBox->addItem(tr("Absolute range"), 0); // shown while one is in use
    m_rangeBox->addItem(tr("Choose a range…"), -1);
    m_rangeBox->setCurrentIndex(2);
    for (const auto &[label, seconds] : kRefresh)
        m_refreshBox->addItem(tr(label), seconds);
    m_backButton->setText(QStringLiteral("◀"));
    m_backButton->setToolTip(tr("Previous time range"));
    m_forwardButton->setText(QStringLiteral("▶"));
    m_forwardButton->setToolTip(tr("Next time range"));
    m_query->setPlaceholderText(
        tr("PromQL, e.g. rate(node_cpu_seconds_total[5m]) — Enter runs it"));
    m_query->setEnabled(m_prometheus != nullptr);
    auto *addButton = new QPushButton(tr("Add to dashboard"));
    auto *refreshButton = new QPushButton(tr("Refresh"));
    m_rangeLabel->setStyleSheet(QStringLiteral("color: gray"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_dashboardBox);
    top->addWidget(m_backButton);
    top->addWidget(m_rangeBox);
    top->addWidget(m_forwardButton);
    top->addWidget(m_refreshBox);
    top->addWidget(refreshButton);
    top->addWidget(m_hideEmpty);
    top->addWidget(m_allAlerts);
    top->addWidget(m_rangeLabel, 1);
    auto *queryRow = new QHBoxLayout;
    queryRow->addWidget(m_query, 1);
    queryRow->addWidget(addButton);
    auto *layout = new QVBoxLayout(bar);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addLayout(queryRow);
    connect(m_dashboardBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_dashboard = index;
        rebuildPanels();
        refresh();
    });
    connect(m_rangeBox, &QComboBox::activated, this, [this](int index) {
        if (const qint64 seconds = m_rangeBox->itemData(index).toLongLong(); seconds > 0)
            setRange(TimeRange::last(seconds));
        else if (seconds < 0)
            askAbsoluteRange();
    });
    connect(m_refreshBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setRefreshInterval(m_refreshBox->itemData(index).toInt()); });
    connect(refreshButton, &QPushButton::clicked, this, &MetricsPane::refresh);
    connect(m_backButton, &QToolButton::clicked, this, &MetricsPane::back);
    connect(m_forwardButton, &QToolButton::clicked, this, &MetricsPane::forward);
    connect(m_hideEmpty, &QCheckBox::toggled, this, &MetricsPane::setHideEmpty);
    m_allAlerts->setToolTip(tr("Show every alert's firing stretches on every panel, not only "
                               "on the panels whose metrics the alert's rule reads"));
    connect(m_allAlerts, &QCheckBox::toggled, this, &MetricsPane::setAllAlerts);
    connect(m_query, &QLineEdit::returnPressed, this, [this] { runQuery(m_query->text()); });
    connect(addButton, &QPushButton::clicked, this, &MetricsPane::addQueryToDashboard);
    m_backButton->setEnabled(false);
    m_forwardButton->setEnabled(false);
}

void MetricsPane::askAbsoluteRange()
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Time range"));
    auto *from = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(m_resolvedFrom), dialog);
    auto *to = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(m_resolvedTo), dialog);
    for (QDateTimeEdit *edit : {from, to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    auto *form = new QFormLayout(dialog);
    form->addRow(tr("From"), from);
    form->addRow(tr("To"), to);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this, [this, from, to] {
        const qint64 a = from->dateTime().toMSecsSinceEpoch(),
                     b = to->dateTime().toMSecsSinceEpoch();
        if (b > a)
            setRange(TimeRange::absolute(a, b));
    });
    connect(dialog, &QDialog::rejected, this,
            &MetricsPane::refresh); // the box shows the range again
    dialog->open();
}

QStringList MetricsPane::dashboardNames() const
{
    QStringList names;
    for (const DashboardSpec &d : m_dashboards)
        names << d.name;
    return names;
}

void MetricsPane::openItem(const QString &item)
{
    if (dashboardNames().contains(item))
        showDashboard(item);
}

void MetricsPane::showDashboard(const QString &name)
{
    const int index = int(dashboardNames().indexOf(name));
    if (index == m_dashboard)
        refresh();
    else if (index >= 0)
        m_dashboardBox->setCurrentIndex(index); // rebuilds and refreshes
}

ChartPanel *MetricsPane::addPanel(const PanelSpec &spec, int index)
{
    auto *panel = new ChartPanel(spec);
    panel->setHideEmpty(m_hideEmpty->isChecked());
    m_gridLayout->addWidget(panel, index / 2, index % 2, Qt::AlignTop);
    connect(panel, &ChartPanel::hovered, this, [this](qint64 ms) {
        for (ChartPanel *p : std::as_const(m_panels)) // one crosshair across the dashboard
            p->setCrosshair(ms);
        if (m_adhoc)
            m_adhoc->setCrosshair(ms);
    });
    connect(panel, &ChartPanel::zoomRequested, this,
            [this](qint64 from, qint64 to) { setRange(TimeRange::absolute(from, to)); });
    connect(panel, &ChartPanel::logsAroundRequested, this, [this](qint64 ms) {
        emit openPaneRequested(
            QStringLiteral("logs"),
            QStringLiteral("around=") +
                QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs));
    });
    return panel;
}

void MetricsPane::rebuildPanels()
{
    qDeleteAll(m_panels);
    m_panels.clear();
    delete m_adhoc;
    m_adhoc = nullptr;
    const DashboardSpec &dashboard = m_dashboards.at(m_dashboard);
    for (int i = 0; i < dashboard.panels.size(); ++i)
        m_panels << addPanel(dashboard.panels.at(i), i + 2); // row 0: the ad-hoc panel
    // Panels keep their height; the rows below the last panel take the spare space.
    const int firstEmptyRow = (int(dashboard.panels.size()) + 1) / 2 + 1;
    const int rows = std::max(m_gridLayout->rowCount(), firstEmptyRow + 1); // fixed: it grows
    for (int row = 0; row < rows; ++row)
        m_gridLayout->setRowStretch(row, row >= firstEmptyRow ? 1 : 0);
}

void MetricsPane::setRange(const TimeRange &range)
{
    if (range == m_range)
        return refresh();
    m_back << m_range;
    m_forward.clear();
    m_range = range;
    refresh();
}

void MetricsPane::back()
{
    if (m_back.isEmpty())
        return;
    m_forward << m_range;
    m_range = m_back.takeLast();
    refresh();
}

void MetricsPane::forward()
{
    if (m_forward.isEmpty())
        return;
    m_back << m_range;
    m_range = m_forward.takeLast();
    refresh();
}

void MetricsPane::setRefreshInterval(int seconds)
{
    if (seconds <= 0)
        m_autoRefresh.stop();
    else
        m_autoRefresh.start(seconds * 1000);
}

void MetricsPane::setHideEmpty(bool hide)
{
    if (m_hideEmpty->isChecked() != hide)
        m_hideEmpty->setChecked(hide);
    for (ChartPanel *p : std::as_const(m_panels))
        p->setHideEmpty(hide);
}

void MetricsPane::refresh()
{
    ++m_generation;
    const auto [from, to] = m_range.resolve(QDateTime::currentMSecsSinceEpoch());
    m_resolvedFrom = from;
    m_resolvedTo = to;
    int rangeIndex = m_rangeBox->count() - 2; // "Absolute range"
    for (int i = 0; i < m_rangeBox->count(); ++i)
        if (m_range.isRelative() && m_rangeBox->itemData(i).toLongLong() == m_range.lastSeconds)
            rangeIndex = i;
    m_rangeBox->setCurrentIndex(rangeIndex);
    m_rangeLabel->setText(TimeRange::absolute(from, to).label());
    m_backButton->setEnabled(!m_back.isEmpty());
    m_forwardButton->setEnabled(!m_forward.isEmpty());
    m_pending = int(m_panels.size()) + (m_adhoc ? 1 : 0);
    for (ChartPanel *panel : std::as_const(m_panels))
        queryPanel(panel);
    if (m_adhoc)
        queryPanel(m_adhoc);
    if (m_pending == 0)
        setState(m_panels.isEmpty() && !m_adhoc ? State::Empty : State::Ready,
                 tr("This dashboard has no panels: type a PromQL query above, or add panels "
                    "under dashboards: in the workspace."));
    setAnnotations(
        m_deployMarks +
        flagAnnotations(AuditLog::shared()->recent(500, m_environment.name), m_environment.name));
    readAlertBands(from, to);
}

void MetricsPane::readAlertBands(qint64 fromMs, qint64 toMs)
{
    AlertsClient *alerts = context().alerts();
    if (!alerts)
        return;
    if (!alerts->latest())
        alerts->update(); // the rules say which alert reads which metrics
    onFinished(alerts->history(fromMs, toMs), this,
               [this, generation = m_generation](const Result<QList<AlertInterval>> &found) {
                   // Without an answer the bands stay as they were; the panels say what is
                   // wrong with Prometheus.
                   if (generation != m_generation || !found)
                       return;
                   m_alertIntervals = *found;
                   applyAnnotations();
               });
}

void MetricsPane::queryPanel(ChartPanel *panel)
{
    const int generation = m_generation;
    const PanelSpec &spec = panel->spec();
    const qint64 scrape = m_prometheus ? m_prometheus->spec().scrapeIntervalMs : 15000;
    // SQL panels count rows per bucket: a minute is the smallest bucket worth a point.
    const QueryGrid grid = chooseGrid(m_resolvedFrom, m_resolvedTo, panel->plotWidth(),
                                      spec.source == QLatin1String("sql") ? 60000 : scrape);
    panel->setLoading(true);
    const auto fail = [this, panel, grid, generation](const QString &error) {
        PanelResult r;
        r.grid = grid;
        r.error = error;
        panelDone(panel, r, generation);
    };
    QFuture<PanelResult> answer;
    if (spec.source == QLatin1String("sql")) {
        if (!m_database)
            return fail(tr("SQL panels need a database: in the environment"));
        answer = querySqlPanel(*m_database, spec.query, grid);
    } else {
        if (!m_prometheus)
            return fail(tr("This environment has no prometheus: in the workspace"));
        answer = m_prometheus->queryRange(expandPromVariables(spec.query, grid, scrape,
                                                              m_environment.name,
                                                              databaseName(m_environment)),
                                          grid);
    }
    onFinished(answer, panel, [this, panel, generation](const PanelResult &r) {
        panelDone(panel, r, generation);
    });
}

void MetricsPane::panelDone(ChartPanel *panel, const PanelResult &answer, int generation)
{
    if (generation != m_generation)
        return;                  // an older refresh's answer: a newer one is on its way
    PanelResult result = answer; // legend names from the labels that tell the series apart
    applyLegendNames(result.series, panel->spec().legendFormat, panel->spec().title);
    if (result.drawnWidth == 0 && !result.series.isEmpty()) {
        // Decimating 20 × 11,001 points is work too: on the pool, then back here to draw.
        const int width = panel->plotWidth();
        const qint64 from = m_resolvedFrom, to = m_resolvedTo;
        const bool stack = panel->spec().stack;
        QPointer<ChartPanel> alive(panel);
        onFinished(QtConcurrent::run(metricsThreadPool(),
                                     [result, width, from, to, stack] {
                                         PanelResult prepared = result;
                                         prepared.drawn =
                                             drawSeries(prepared.series, from, to, width, stack);
                                         prepared.drawnWidth = width;
                                         return prepared;
                                     }),
                   this, [this, alive, generation](const PanelResult &prepared) {
                       // Drawn in a turn of its own: answers arriving together never add up.
                       m_drawQueue.push([this, alive, generation, prepared] {
                           if (alive)
                               panelDone(alive, prepared, generation);
                           else if (generation == m_generation && --m_pending == 0)
                               emit refreshed();
                       });
                   });
        return;
    }
    panel->setResult(result, m_resolvedFrom, m_resolvedTo);
    if (panel->chartView()->isDrawing()) // a large panel takes a few turns
        connect(
            panel->chartView(), &TimeChartView::drawn, this,
            [this, generation] { panelDrawn(generation); }, Qt::SingleShotConnection);
    else
        panelDrawn(generation);
}

void MetricsPane::panelDrawn(int generation)
{
    if (generation != m_generation || --m_pending != 0)
        return;
    emit refreshed();
    setState(State::Ready);
}

void MetricsPane::setAnnotations(const QList<Annotation> &annotations)
{
    m_annotations = annotations;
    applyAnnotations();
}

void MetricsPane::setAllAlerts(bool all)
{
    m_allAlerts->setChecked(all);
    applyAnnotations();
}

void MetricsPane::applyAnnotations()
{
    const AlertsClient *alerts = context().alerts();
    const QList<AlertRule> rules =
        alerts && alerts->latest() ? alerts->latest()->rules : QList<AlertRule>();
    const bool all = m_allAlerts->isChecked();
    QList<ChartPanel *> panels = m_panels;
    if (m_adhoc)
        panels << m_adhoc;
    for (ChartPanel *p : std::as_const(panels)) {
        const bool promql = p->spec().source != QLatin1String("sql");
        p->setAnnotations(m_annotations + (promql || all ? alertAnnotations(m_alertIntervals, rules,
                                                                            p->spec().query, all)
                                                         : QList<Annotation>()));
    }
}

void MetricsPane::loadAnnotations()
{
    if (!m_environment.deploy || m_environment.hosts.isEmpty())
        return;
    auto *query = new DeployStatusQuery(m_pool, m_environment, this);
    connect(query, &DeployStatusQuery::finished, this,
            [this, query](const EnvironmentDeployState &state) {
                query->deleteLater();
                m_deployMarks = deployAnnotations(state.history);
                setAnnotations(m_deployMarks +
                               flagAnnotations(AuditLog::shared()->recent(500, m_environment.name),
                                               m_environment.name));
            });
    query->start(200);
}

void MetricsPane::runQuery(const QString &promql)
{
    if (promql.trimmed().isEmpty() || !m_prometheus)
        return;
    if (m_query->text() != promql)
        m_query->setText(promql);
    PanelSpec spec;
    spec.title = tr("Query: %1").arg(promql.left(80));
    spec.query = promql;
    delete m_adhoc;
    m_adhoc = addPanel(spec, 0);
    m_gridLayout->addWidget(m_adhoc, 0, 0, 1, 2);
    ++m_pending;
    queryPanel(m_adhoc);
}

void MetricsPane::addQueryToDashboard()
{
    if (!m_adhoc)
        return;
    const PanelSpec spec = m_adhoc->spec();
    DashboardSpec &dashboard = m_dashboards[m_dashboard];
    dashboard.panels << PanelSpec{tr("Query %1").arg(dashboard.panels.size() + 1),
                                  QStringLiteral("prometheus"),
                                  spec.query,
                                  QString(),
                                  false,
                                  {},
                                  true};
    // The workspace file is the team's: the panel is added for this session, and its YAML goes
    // to the clipboard to paste under the dashboard's panels:.
    QGuiApplication::clipboard()->setText(panelYaml(dashboard.panels.last()));
    rebuildPanels();
    refresh();
    emit statusMessage(
        tr("Added to %1 for this session; its YAML is on the clipboard for opsdeck.yaml")
            .arg(dashboard.name));
}

} // namespace Opsdeck
