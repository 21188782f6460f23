// SPDX-License-Identifier: GPL-3.0-or-later
#include "logspane.h"

#include "logs/logtext.h"

#include "common/emptystate.h"
#include "common/formatting.h"
#include "common/messagebanner.h"
#include "logs/logcollector.h"
#include "logs/logfilter.h"
#include "logs/loghistory.h"
#include "logs/logmerger.h"
#include "logs/logquery.h"
#include "logs/logspill.h"
#include "logtablemodel.h"
#include "logview.h"
#include "runtime/environmentcontext.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

constexpr qint64 kAroundMs = 5 * 60'000;
constexpr int kOpenedWindow = -1; // the window combo's data for a window an item opened

} // namespace

LogsPane::LogsPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_model(new LogTableModel(this))
    , m_view(new LogView(m_model, this))
{
    m_followAction = new QAction(tr("Follow"), this);
    m_followAction->setCheckable(true);
    m_followAction->setChecked(true);
    m_followAction->setToolTip(tr("Keep the newest line in sight (End); scrolling up stops it"));
    m_exportAction = new QAction(tr("Export…"), this);
    m_exportAction->setToolTip(tr("Save the shown lines as text"));
    connect(m_followAction, &QAction::toggled, m_view, &LogView::setFollowing);
    connect(m_view, &LogView::followingChanged, m_followAction, &QAction::setChecked);
    connect(m_exportAction, &QAction::triggered, this, &LogsPane::chooseExport);
    connect(m_view, &LogView::searchTermRequested, this, [this](const QString &term) {
        m_search->setText(QString(m_search->text().trimmed() + QLatin1Char(' ') + term).trimmed());
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(banner());
    layout->addWidget(buildControls());
    layout->addWidget(m_view, 1);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);

    EmptyState::attach(m_view->table(), [this] {
        if (!m_historyShown || !m_slices.empty())
            return tr("Reading %1's logs…").arg(this->context().name());
        if (m_model->isSearching())
            return tr("Searching…");
        if (!m_model->filter().isEmpty() && m_model->heldCount() > 0)
            return tr("No line matches “%1”.").arg(m_search->text().trimmed());
        return tr("No lines in this window yet: new ones appear as the hosts write them.");
    });
    m_drain.setInterval(0);
    connect(&m_drain, &QTimer::timeout, this, &LogsPane::drainSlices);
    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(150);
    connect(&m_searchDelay, &QTimer::timeout, this, &LogsPane::applySearch);
    m_statusTimer.setInterval(500);
    connect(&m_statusTimer, &QTimer::timeout, this, &LogsPane::updateStatus);
    connect(m_model, &LogTableModel::searchFinished, this, &LogsPane::updateStatus);
    setPaneActions({m_followAction, m_exportAction});
}

LogsPane::~LogsPane() = default;

QWidget *LogsPane::buildControls()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_window = new QComboBox(bar);
    for (const auto &[minutes, text] : {std::pair{5, tr("Last 5 minutes")},
                                        {15, tr("Last 15 minutes")},
                                        {60, tr("Last hour")},
                                        {360, tr("Last 6 hours")},
                                        {1440, tr("Last 24 hours")}})
        m_window->addItem(text, minutes);
    m_window->setCurrentIndex(1);
    m_host = new QComboBox(bar);
    m_host->addItem(tr("All hosts"), QString());
    for (const QString &host : logHosts(context().environment()))
        m_host->addItem(host, host);
    m_source = new QComboBox(bar);
    m_source->addItem(tr("All sources"), QString());
    for (const LogSourceSpec &source : context().environment().logs)
        m_source->addItem(source.name, source.name);
    m_level = new QComboBox(bar);
    m_level->addItem(tr("Any level"), int(LogLevel::Unknown));
    m_level->addItem(tr("Notice and worse"), int(LogLevel::Notice));
    m_level->addItem(tr("Warnings and worse"), int(LogLevel::Warning));
    m_level->addItem(tr("Errors"), int(LogLevel::Error));
    m_search = new QLineEdit(bar);
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(
        tr("Search: words, -word, /regex/, status=500, host=web1 — Enter asks the hosts"));
    m_follow = new QToolButton(bar);
    m_follow->setDefaultAction(m_followAction);
    auto *exportButton = new QToolButton(bar);
    exportButton->setDefaultAction(m_exportAction);
    for (QComboBox *combo : {m_window, m_host, m_source, m_level}) {
        row->addWidget(combo);
        connect(combo, &QComboBox::activated, this, [this, combo] {
            if (combo == m_window && m_window->currentData().toInt() != kOpenedWindow) {
                m_aroundMs = 0;
                m_sessionSinceMs = 0;
                showOpenedWindow({});
            }
            refresh();
        });
    }
    row->addWidget(m_search, 1);
    row->addWidget(m_follow);
    row->addWidget(exportButton);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchDelay.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, &LogsPane::searchOnHosts);
    return bar;
}

void LogsPane::showEvent(QShowEvent *event)
{
    Pane::showEvent(event);
    if (!m_started)
        refresh();
}

LogQuery LogsPane::queryFromControls() const
{
    LogQuery q;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_aroundMs) {
        q.sinceMs = m_aroundMs - kAroundMs;
        q.untilMs = m_aroundMs + kAroundMs;
        q.follow = q.untilMs > now;
    } else if (m_sessionSinceMs) {
        q.sinceMs = m_sessionSinceMs;
        q.follow = true;
    } else {
        q.sinceMs = now - qint64(m_window->currentData().toInt()) * 60'000;
        q.follow = true;
    }
    if (const QString host = m_host->currentData().toString(); !host.isEmpty())
        q.hosts = {host};
    if (const QString source = m_source->currentData().toString(); !source.isEmpty())
        q.sources = {source};
    q.minLevel = LogLevel(m_level->currentData().toInt());
    q.grep = m_query.grep;
    q.grepIgnoreCase = true;
    return q;
}

void LogsPane::refresh()
{
    start(queryFromControls());
}

void LogsPane::openItem(const QString &item)
{
    if (item.startsWith(QLatin1String("session=")))
        return openSession(item.mid(8));
    if (!item.startsWith(QLatin1String("around=")))
        return;
    const QDateTime at = QDateTime::fromString(item.mid(7), Qt::ISODateWithMs);
    if (!at.isValid())
        return;
    m_aroundMs = at.toMSecsSinceEpoch();
    m_sessionSinceMs = 0;
    showOpenedWindow(tr("Around %1 (± %2 minutes)")
                         .arg(QLocale().toString(at.toLocalTime(), QLocale::ShortFormat))
                         .arg(kAroundMs / 60'000));
    m_view->setFollowing(false);
    refresh();
}

// The window an item opened is the combo's current entry while it lasts, so the bar says what
// is shown; choosing one of the usual windows removes it.
void LogsPane::showOpenedWindow(const QString &label)
{
    const int opened = m_window->findData(kOpenedWindow);
    if (label.isEmpty()) {
        if (opened >= 0)
            m_window->removeItem(opened);
        return;
    }
    if (opened >= 0)
        m_window->setItemText(opened, label);
    else
        m_window->addItem(label, kOpenedWindow);
    m_window->setCurrentIndex(m_window->findData(kOpenedWindow));
}

// "PID@ISO-TIME" (a backend and when it started): its lines in the PostgreSQL log, from its
// start (a day at most) and followed. The hosts grep for the pid, so a busy server's log is not
// copied to find one session's lines; the search keeps exactly that pid's.
void LogsPane::openSession(const QString &session)
{
    const QString pid = session.section(QLatin1Char('@'), 0, 0);
    const QDateTime started =
        QDateTime::fromString(session.section(QLatin1Char('@'), 1), Qt::ISODateWithMs);
    const int sourceIndex = m_source->findData(postgresLogSource(context().environment()));
    if (pid.isEmpty() || !pid.front().isDigit() || !started.isValid() || sourceIndex < 0)
        return;
    const qint64 dayAgo = QDateTime::currentMSecsSinceEpoch() - 24 * 3'600'000LL;
    m_aroundMs = 0;
    m_sessionSinceMs = qMax(started.toMSecsSinceEpoch() - 1000, dayAgo);
    showOpenedWindow(
        tr("Since %1 (session %2)")
            .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(m_sessionSinceMs).toLocalTime(),
                                    QLocale::ShortFormat),
                 pid));
    m_source->setCurrentIndex(sourceIndex);
    m_host->setCurrentIndex(0);
    m_query.grep = QStringLiteral("\\b%1\\b").arg(pid);
    m_view->setFollowing(true);
    refresh();
    const QSignalBlocker quiet(m_search); // applied now, to the window just started
    m_search->setText(QStringLiteral("pid=") + pid);
    if (const Result<LogFilter> filter = LogFilter::parse(m_search->text()))
        m_model->setFilter(*filter);
}

void LogsPane::start(const LogQuery &query)
{
    m_started = true;
    m_query = query;
    m_collector = std::make_unique<LogCollector>(context());
    m_followMerger = std::make_unique<LogMerger>(LogMerger::kFollowDelayMs);
    m_history = std::make_unique<LogHistory>(m_model->capacity());
    m_slices.clear();
    m_historyDone = false;
    m_historyShown = false;
    m_model->clear();
    // What memory cannot hold goes to disk, where the search still finds it; a new window, a
    // new file (the old one goes with the last reference, once its writes are done).
    auto spill = std::make_shared<LogSpill>(LogSpill::defaultDirectory());
    m_history->setSpill(spill);
    m_model->setSpill(spill);
    connect(m_collector.get(), &LogCollector::entriesReceived, this, &LogsPane::receive);
    connect(m_collector.get(), &LogCollector::historyFinished, this, &LogsPane::historyDone);
    connect(m_history.get(), &LogHistory::sorted, this, &LogsPane::showHistory);
    connect(m_collector.get(), &LogCollector::streamStateChanged, this, &LogsPane::updateStatus);
    connect(m_followMerger.get(), &LogMerger::ready, this, [this](const QList<LogEntry> &entries) {
        m_slices.push_back(entries);
        m_drain.start();
    });
    const Status started = m_collector->start(query);
    if (!started) {
        setState(State::Empty, started.errorString());
        return;
    }
    m_statusTimer.start();
    updateStatus();
}

void LogsPane::receive(const QList<LogEntry> &entries)
{
    if (m_historyDone) {
        m_followMerger->add(entries);
        return;
    }
    m_history->add(entries);
}

// The whole window is there: sorted in the pool (a million lines take a while), then handed
// to the table a slice per event-loop turn, ahead of what has been followed meanwhile.
void LogsPane::historyDone()
{
    m_historyDone = true;
    m_history->finish(kSliceSize);
}

void LogsPane::showHistory(const QList<QList<LogEntry>> &slices)
{
    m_historyShown = true;
    for (auto it = slices.rbegin(); it != slices.rend(); ++it)
        m_slices.push_front(*it);
    m_drain.start();
    const QStringList problems = m_collector->problems();
    const bool allFailed =
        std::all_of(m_collector->streams().begin(), m_collector->streams().end(),
                    [](const LogStream *s) { return s->state() == LogStream::State::Failed; });
    if (allFailed && !problems.isEmpty())
        setState(State::Error, problems.join(QLatin1Char('\n')));
    else
        setState(State::Ready);
    if (!problems.isEmpty() && !allFailed)
        banner()->showMessage(MessageBanner::Level::Warning, problems.join(QLatin1Char('\n')));
}

void LogsPane::drainSlices()
{
    if (m_slices.empty()) {
        m_drain.stop();
        updateStatus();
        return;
    }
    m_model->append(m_slices.front());
    m_slices.pop_front();
}

void LogsPane::applySearch()
{
    const Result<LogFilter> filter = LogFilter::parse(m_search->text());
    if (!filter) {
        m_status->setText(filter.errorString());
        return;
    }
    m_model->setFilter(*filter);
    if (m_search->text().trimmed().isEmpty() && !m_query.grep.isEmpty()) {
        m_query.grep.clear(); // the hosts no longer filter either
        refresh();
    }
}

void LogsPane::searchOnHosts()
{
    const Result<LogFilter> filter = LogFilter::parse(m_search->text());
    if (!filter)
        return;
    m_query.grep = filter->hostPattern();
    refresh();
}

qint64 LogsPane::linesLetGo() const
{
    if (const LogSpill *spill = m_model->spill().get())
        return spill->lost();
    return m_model->droppedCount() + (m_history ? m_history->dropped() : 0);
}

qint64 LogsPane::linesOnDisk() const
{
    const LogSpill *spill = m_model->spill().get();
    return spill ? spill->count() - spill->lost() : 0;
}

bool LogsPane::isSettled() const
{
    return hasLoaded() && m_historyShown && m_slices.empty() && !m_model->isSearching();
}

void LogsPane::updateStatus()
{
    if (!m_collector)
        return;
    QStringList parts;
    parts << tr("%1 lines").arg(QLocale().toString(m_model->heldCount()));
    if (!m_model->filter().isEmpty())
        parts << shownText();
    parts += olderLinesText();
    if (const qint64 scanned = m_collector->scannedBytes(); scanned >= 0)
        parts << tr("the hosts scanned %1").arg(formatBytes(scanned));
    if (!m_query.grep.isEmpty())
        parts << tr("filtered on the hosts by /%1/").arg(m_query.grep);
    const int streams = int(m_collector->streams().size());
    parts << (!m_historyShown  ? tr("reading %n streams…", nullptr, streams)
              : m_query.follow ? tr("following %n streams", nullptr, streams)
                               : tr("%n streams read", nullptr, streams));
    parts += m_collector->clockWarnings();
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

QString LogsPane::shownText() const
{
    const QLocale locale;
    const int fromDisk = m_model->olderMatchCount();
    QString text = fromDisk == 0
                       ? tr("%1 shown").arg(locale.toString(m_model->rowCount()))
                       : tr("%1 shown, %2 of them from disk")
                             .arg(locale.toString(m_model->rowCount()), locale.toString(fromDisk));
    if (const qint64 more = m_model->olderMatchesNotShown(); more > 0)
        text += tr(" (%1 older matches not shown: narrow the search)").arg(locale.toString(more));
    return text;
}

QStringList LogsPane::olderLinesText() const
{
    const QLocale locale;
    QStringList parts;
    const LogSpill *spill = m_model->spill().get();
    const qint64 onDisk = spill ? spill->count() - spill->lost() : 0;
    if (onDisk > 0)
        parts << tr("%1 older lines on disk (%2), searched with the rest")
                     .arg(locale.toString(onDisk), formatBytes(spill->bytes()));
    if (const qint64 letGo = linesLetGo(); letGo > 0)
        parts << tr("%1 older lines let go (%2)")
                     .arg(locale.toString(letGo),
                          spill ? spill->problem()
                                : tr("memory holds the newest %1")
                                      .arg(locale.toString(m_model->capacity())));
    return parts;
}

void LogsPane::chooseExport()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the shown lines"), context().name() + QStringLiteral("-logs.txt"));
    if (!path.isEmpty())
        exportTo(path);
}

bool LogsPane::exportTo(const QString &path)
{
    QList<LogEntry> shown;
    shown.reserve(m_model->rowCount());
    for (int row = 0; row < m_model->rowCount(); ++row)
        shown << m_model->entryAt(row);
    const Result<qsizetype> saved = saveLogText(shown, path);
    if (!saved) {
        banner()->showMessage(MessageBanner::Level::Error, saved.errorString());
        return false;
    }
    emit statusMessage(tr("Exported %n lines to %1", nullptr, int(*saved)).arg(path));
    return true;
}

} // namespace Opsdeck
