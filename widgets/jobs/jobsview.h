// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jobs/jobregistry.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeView;

namespace Opsdeck {

class JobsModel;

/**
 * Every command this window ran — a deploy's health gates and builds, flag writes through
 * manage.py, lock changes, after-save commands, dumps and restores — live, whatever pane started
 * it (Qt Creator's progress list, a CI server's job list): the list, the chosen job's command and
 * output as it arrives, and Cancel.
 */
class JobsView final : public QWidget
{
    Q_OBJECT

public:
    explicit JobsView(JobRegistry *registry, QWidget *parent = nullptr);

    /** Chooses the newest job (the view is opened to see what just started). */
    void selectNewest();
    QTreeView *list() const { return m_list; }
    QPlainTextEdit *output() const { return m_output; }

private:
    int currentRow() const;
    void showCurrent();
    void appendLine(quint64 id, const QString &line);
    void flushPending();
    static QString endLine(const JobRegistry::Record &record);
    void updateButtons();

    JobRegistry *m_registry;
    JobsModel *m_model;
    QTreeView *m_list;
    QLabel *m_command;
    QPlainTextEdit *m_output;
    QPushButton *m_cancel;
    quint64 m_shownId = 0;
    static constexpr int kMaxPendingLines = 500;
    QStringList m_pendingLines; // appended together, at most ten times a second
    int m_skippedLines = 0;
    QTimer m_flush;
};

} // namespace Opsdeck
