// SPDX-License-Identifier: GPL-3.0-or-later
#include "chartpanel.h"

#include "metrics/panelcsv.h"

#include "metrics/units.h"
#include "timechartview.h"

#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

/** Sorts numerically by the value stored under UserRole, names as text. */
class LegendItem final : public QTreeWidgetItem
{
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem &other) const override
    {
        const int column = treeWidget() ? treeWidget()->sortColumn() : 0;
        if (column == 0)
            return text(0) < other.text(0);
        const double a = data(column, Qt::UserRole).toDouble(),
                     b = other.data(column, Qt::UserRole).toDouble();
        return (std::isnan(a) ? -INFINITY : a) < (std::isnan(b) ? -INFINITY : b);
    }
};

} // namespace

ChartPanel::ChartPanel(PanelSpec spec, QWidget *parent)
    : QFrame(parent)
    , m_spec(std::move(spec))
    , m_title(new QLabel(m_spec.title))
    , m_status(new QLabel)
    , m_error(new QLabel)
    , m_stat(new QLabel)
    , m_empty(new QLabel)
    , m_menu(new QToolButton)
    , m_chart(new TimeChartView)
    , m_legend(new QTreeWidget)
{
    setFrameShape(QFrame::StyledPanel);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setToolTip(m_spec.query);
    m_status->setStyleSheet(QStringLiteral("color: gray"));
    m_menu->setText(QStringLiteral("⋯"));
    m_menu->setAutoRaise(true);
    m_menu->setToolTip(tr("Export the panel"));
    m_error->setWordWrap(true);
    m_error->setAlignment(Qt::AlignCenter);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020; background: #fbe3e3; padding: 8px"));
    m_error->hide();
    QFont big = m_stat->font();
    big.setPointSize(big.pointSize() * 3);
    big.setBold(true);
    m_stat->setFont(big);
    m_stat->setAlignment(Qt::AlignCenter);
    m_stat->hide();
    // No data is said, not drawn: an empty grid with threshold zones reads as "all is well".
    m_empty->setObjectName(QStringLiteral("panelEmpty"));
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->hide();
    m_legend->setHeaderLabels({tr("Series"), tr("Last"), tr("Min"), tr("Max"), tr("Mean")});
    m_legend->setRootIsDecorated(false);
    m_legend->setUniformRowHeights(true);
    m_legend->setSortingEnabled(true);
    m_legend->sortByColumn(0, Qt::AscendingOrder);
    // The numbers take what they need; the series' names get the rest.
    m_legend->header()->setStretchLastSection(false);
    m_legend->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_legend->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_legend->setVisible(m_spec.legend);
    setFixedHeight(kChartHeight);
    auto *header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(m_status);
    header->addWidget(m_menu);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 6);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_error);
    layout->addWidget(m_stat, 1);
    layout->addWidget(m_empty, 1);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_legend);
    m_chart->setStacked(m_spec.stack);
    m_chart->prepareLines(24); // typical panels draw fewer; a larger one grows the pool
    connect(m_chart, &TimeChartView::hovered, this, &ChartPanel::hovered);
    connect(m_chart, &TimeChartView::zoomRequested, this, &ChartPanel::zoomRequested);
    connect(m_chart, &TimeChartView::logsAroundRequested, this, &ChartPanel::logsAroundRequested);
    connect(m_menu, &QToolButton::clicked, this, &ChartPanel::showMenu);
    connect(m_legend, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item, int column) {
        if (column != 0)
            return;
        const QString name = item->data(0, Qt::UserRole).toString();
        const bool wasHidden = m_hidden.contains(name);
        if (item->checkState(0) == Qt::Checked)
            m_hidden.remove(name);
        else
            m_hidden.insert(name);
        // The legend stays as it is: the item that changed is still inside its signal.
        if (wasHidden != m_hidden.contains(name))
            redraw(LegendKept);
    });
}

void ChartPanel::setLoading(bool loading)
{
    if (loading)
        m_status->setText(tr("loading…"));
}

void ChartPanel::setResult(const PanelResult &result, qint64 fromMs, qint64 toMs)
{
    m_result = result;
    m_fromMs = fromMs;
    m_toMs = toMs;
    m_hasResult = true;
    m_status->setText(result.error.isEmpty() ? tr("%1 ms").arg(result.elapsedMs) : QString());
    m_status->setToolTip(result.warnings.join(QLatin1Char('\n')));
    m_error->setText(result.error);
    m_error->setVisible(!result.error.isEmpty());
    redraw(LegendRefilled);
}

int ChartPanel::statHeight() const
{
    return m_title->sizeHint().height() + m_stat->fontMetrics().height() * 2 + 16;
}

void ChartPanel::redraw(LegendUpdate legend)
{
    // Usually every series is shown: then the list is shared, not copied (20 × 11,001 values).
    QList<TimeSeries> shown = m_result.series;
    if (!m_hidden.isEmpty() || m_hideEmpty)
        shown.removeIf([this](const TimeSeries &s) {
            return m_hidden.contains(s.name) || (m_hideEmpty && s.isAllZeroOrNull());
        });
    // A stat (values without time, e.g. SQL `select count(*)`): one big number.
    const bool stat = !m_result.series.isEmpty() &&
                      std::all_of(m_result.series.begin(), m_result.series.end(),
                                  [](const TimeSeries &s) { return s.values.size() == 1; });
    const QString empty = stat ? QString() : emptySentence(shown);
    m_empty->setText(empty);
    m_empty->setVisible(!empty.isEmpty());
    m_stat->setVisible(stat);
    m_chart->setVisible(!stat && empty.isEmpty());
    // Grafana's stat panel: a number takes the height it needs, not a chart's.
    setFixedHeight(stat ? statHeight() : kChartHeight);
    m_legend->setVisible(m_spec.legend && !stat);
    // The legend first: when its height changes, the plot's does too, and a plot resized with
    // its lines drawn has every line rebuilt by QtCharts. So the old lines go, and the panel is
    // laid out now rather than in a later turn, after the new lines are in.
    if (legend == LegendRefilled && fillLegend(m_result.series) && !stat) {
        m_chart->clearLines();
        layout()->activate();
    }
    if (stat) {
        QStringList values;
        for (const TimeSeries &s : std::as_const(shown)) {
            const double v = s.values.front();
            // A count is read exactly ("3,000", not "3 K"); units format as everywhere else.
            values << (m_spec.unit.isEmpty() && std::isfinite(v) && v == std::floor(v) &&
                               std::fabs(v) < 1e12
                           ? QLocale().toString(qint64(v))
                           : formatValue(v, m_spec.unit));
        }
        m_stat->setText(values.join(QStringLiteral("  ")));
    } else {
        // The runs prepared off the UI thread, unless the user has changed what is shown since.
        const bool prepared =
            m_result.drawnWidth == plotWidth() && shown.size() == m_result.series.size();
        // The crosshair reads each series' own values; only the drawing is stacked.
        m_chart->setSeries(shown,
                           prepared
                               ? m_result.drawn
                               : drawSeries(shown, m_fromMs, m_toMs, plotWidth(), m_spec.stack),
                           m_fromMs, m_toMs, m_spec.unit, m_spec.thresholds);
    }
    if (m_result.series.isEmpty() && m_result.error.isEmpty() && m_hasResult)
        m_status->setText(tr("no data"));
}

bool ChartPanel::fillLegend(const QList<TimeSeries> &all)
{
    const QSignalBlocker blocker(m_legend);
    m_legend->setSortingEnabled(false);
    m_legend->clear();
    for (const TimeSeries &s : all) {
        if (m_hideEmpty && s.isAllZeroOrNull())
            continue;
        auto *item = new LegendItem(m_legend);
        const TimeSeries::Stats st = s.stats();
        item->setText(0, s.name);
        item->setData(0, Qt::UserRole, s.name);
        item->setCheckState(0, m_hidden.contains(s.name) ? Qt::Unchecked : Qt::Checked);
        item->setForeground(0, TimeChartView::colorFor(s.name));
        const double values[] = {st.last, st.min, st.max, st.mean};
        for (int c = 1; c <= 4; ++c) {
            item->setText(c, formatValue(values[c - 1], m_spec.unit));
            item->setData(c, Qt::UserRole, values[c - 1]);
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    m_legend->setSortingEnabled(true);
    // As tall as its rows, up to five; the plot keeps the rest.
    const int rows = std::clamp(m_legend->topLevelItemCount(), 1, 5);
    const int height =
        m_legend->header()->sizeHint().height() + rows * (fontMetrics().height() + 6) + 4;
    if (m_legend->height() == height && m_legend->minimumHeight() == height)
        return false;
    m_legend->setFixedHeight(height);
    return true;
}

void ChartPanel::setAnnotations(const QList<Annotation> &annotations)
{
    m_chart->setAnnotations(annotations);
}

void ChartPanel::setCrosshair(qint64 ms)
{
    m_chart->setCrosshair(ms);
}

void ChartPanel::setHideEmpty(bool hide)
{
    if (m_hideEmpty == hide)
        return;
    m_hideEmpty = hide;
    if (m_hasResult)
        redraw(LegendRefilled);
}

int ChartPanel::plotWidth() const
{
    return m_chart->plotWidth();
}

QString ChartPanel::emptyText() const
{
    return m_empty->isVisibleTo(this) ? m_empty->text() : QString();
}

QString ChartPanel::emptySentence(const QList<TimeSeries> &shown) const
{
    if (!m_hasResult || !m_result.error.isEmpty() || !shown.isEmpty())
        return {};
    if (!m_result.series.isEmpty())
        return m_hideEmpty && m_hidden.isEmpty()
                   ? tr("Every series is zero or empty in this time range (hidden by \"Hide empty "
                        "series\").")
                   : tr("Every series is hidden: tick one in the legend.");
    const QString source =
        m_spec.source == QLatin1String("sql") ? tr("The SQL query") : tr("Prometheus");
    return tr("No data in this time range.\n%1 returned no series for: %2")
        .arg(source, m_spec.query.simplified().left(200));
}

QString ChartPanel::errorText() const
{
    return m_error->isVisible() || !m_result.error.isEmpty() ? m_result.error : QString();
}

bool ChartPanel::exportPng(const QString &path)
{
    return grab().save(path, "PNG");
}

Result<QString> ChartPanel::exportCsv(const QString &path) const
{
    return savePanelCsv(m_result, path);
}

void ChartPanel::showExportError(const QString &message)
{
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Export"), message, QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText); // the path is the user's, the error the system's
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void ChartPanel::showMenu()
{
    QMenu menu;
    menu.addAction(tr("Export PNG…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export PNG"),
                                                          m_spec.title + QStringLiteral(".png"),
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty() && !exportPng(path))
            showExportError(tr("Could not write %1.").arg(path));
    });
    menu.addAction(tr("Export CSV…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export CSV"), m_spec.title + QStringLiteral(".csv"), tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        if (const Result<QString> saved = exportCsv(path); !saved)
            showExportError(saved.errorString());
    });
    menu.exec(m_menu->mapToGlobal(QPoint(0, m_menu->height())));
}

} // namespace Opsdeck
