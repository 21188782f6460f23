// SPDX-License-Identifier: GPL-3.0-or-later
#include "logview.h"

#include "logs/logtext.h"

#include "common/appstyle.h"
#include "logtablemodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace Opsdeck {

LogView::LogView(LogTableModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_table(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
{
    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    // Uniform row heights (a million rows cost nothing to lay out), the same as every other
    // table's although the text is monospaced.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(
        AppStyle::rowHeight(QFontMetrics(QApplication::font())));
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_table->setFont(mono);
    const QFontMetrics fm(mono);
    m_table->setColumnWidth(LogTableModel::TimeColumn,
                            fm.horizontalAdvance(QStringLiteral("12-06 07:01:02.345  ")));
    m_table->setColumnWidth(LogTableModel::HostColumn,
                            fm.horizontalAdvance(QStringLiteral("bastion  ")));
    m_table->setColumnWidth(LogTableModel::SourceColumn,
                            fm.horizontalAdvance(QStringLiteral("minitwit-worker  ")));
    m_table->setColumnWidth(LogTableModel::LevelColumn,
                            fm.horizontalAdvance(QStringLiteral("warning  ")));
    m_table->installEventFilter(this);
    m_table->viewport()->installEventFilter(this);

    m_details->setReadOnly(true);
    m_details->setFont(mono);
    m_details->setPlaceholderText(tr("Select a line to see all of it and its fields."));
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_details);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(model, &QAbstractItemModel::rowsInserted, this, &LogView::rowsArrived);
    connect(model, &QAbstractItemModel::modelReset, this, &LogView::rowsArrived);
    connect(m_table->verticalScrollBar(), &QAbstractSlider::actionTriggered, this, [this] {
        // After the slider has moved: where did the person take it?
        QMetaObject::invokeMethod(this, &LogView::userScrolled, Qt::QueuedConnection);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LogView::showDetails);
    connect(m_table, &QWidget::customContextMenuRequested, this, &LogView::showContextMenu);
    auto *copy = new QAction(tr("Copy"), this);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &LogView::copySelection);
    m_table->addAction(copy);
}

void LogView::setFollowing(bool following)
{
    if (m_following == following)
        return;
    m_following = following;
    if (following)
        m_table->scrollToBottom();
    emit followingChanged(following);
}

void LogView::rowsArrived()
{
    if (m_following)
        m_table->scrollToBottom();
}

void LogView::userScrolled()
{
    const QScrollBar *bar = m_table->verticalScrollBar();
    if (bar->value() < bar->maximum())
        setFollowing(false);
}

bool LogView::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_End)
            setFollowing(true);
        else if (key == Qt::Key_Up || key == Qt::Key_PageUp || key == Qt::Key_Home)
            setFollowing(false);
    } else if (event->type() == QEvent::MouseButtonPress && watched == m_table->viewport()) {
        setFollowing(false); // a line clicked to be read must not scroll away
    } else if (event->type() == QEvent::Wheel && watched == m_table->viewport()) {
        QMetaObject::invokeMethod(this, &LogView::userScrolled, Qt::QueuedConnection);
    }
    return QWidget::eventFilter(watched, event);
}

void LogView::showDetails()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const LogEntry &e = m_model->entryAt(current.row());
    QString text =
        QStringLiteral("%1  %2  %3  %4%5\n")
            .arg(QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs),
                 e.host, e.source, logLevelName(e.level),
                 e.timeGuessed ? tr("  (no time of its own: the line before it's)") : QString());
    for (const auto &[key, value] : e.allFields())
        text += QStringLiteral("%1=%2\n").arg(key, value);
    text += QLatin1Char('\n') + e.message;
    m_details->setPlainText(text); // plain text: a host's line is never markup
}

QString LogView::linesText(const QList<int> &rows) const
{
    QString text;
    for (int row : rows)
        text += logLineText(m_model->entryAt(row)) + QLatin1Char('\n');
    return text;
}

void LogView::copySelection()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    if (!rows.isEmpty())
        QApplication::clipboard()->setText(linesText(rows));
}

void LogView::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    const LogEntry &e = m_model->entryAt(index.row());
    QMenu menu(this);
    menu.addAction(tr("Copy"), this, &LogView::copySelection);
    menu.addSeparator();
    const QString host = QStringLiteral("host=") + e.host;
    const QString source = QStringLiteral("source=") + e.source;
    menu.addAction(tr("Only %1").arg(host), this, [this, host] { emit searchTermRequested(host); });
    menu.addAction(tr("Only %1").arg(source), this,
                   [this, source] { emit searchTermRequested(source); });
    if (e.level >= LogLevel::Warning) {
        const QString level = QStringLiteral("level=") + logLevelName(e.level);
        menu.addAction(tr("Only %1 and worse").arg(logLevelName(e.level)), this,
                       [this, level] { emit searchTermRequested(level); });
    }
    const QString status = e.field(QStringLiteral("status"));
    if (!status.isEmpty())
        menu.addAction(tr("Only status=%1").arg(status), this, [this, status] {
            emit searchTermRequested(QStringLiteral("status=") + status);
        });
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

} // namespace Opsdeck
