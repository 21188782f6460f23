// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "audit/auditlog.h"
#include "flags/flagsbackend.h"
#include "flags/flagusage.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTabWidget;
class QTreeWidget;

namespace Opsdeck {

/**
 * Below the matrix: the selected flag in every environment (all its rules), its history (what
 * was changed through Opsdeck, from the audit log; and the server's own events for Unleash),
 * and where the code uses it (git grep).
 */
class FlagDetailsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit FlagDetailsPanel(QWidget *parent = nullptr);

    /** `states`: environment → state, nullptr where the flag does not exist. */
    void showFlag(const QString &title, const QList<std::pair<QString, const FlagState *>> &states);
    void clear();
    void setHistory(const QList<AuditEntry> &entries);
    void addServerEvents(const QList<FlagEvent> &events);
    void setSearching();
    void setUsages(const QList<FlagUsage> &usages, const QStringList &problems, int repositories);

    QTreeWidget *history() const { return m_history; }
    QTreeWidget *usages() const { return m_usages; }
    QTabWidget *tabs() const { return m_tabs; }

signals:
    void findUsagesRequested();

private:
    QLabel *m_title;
    QTabWidget *m_tabs;
    QTreeWidget *m_environments;
    QTreeWidget *m_history;
    QTreeWidget *m_usages;
    QLabel *m_usageStatus;
    QPushButton *m_find;
};

} // namespace Opsdeck
