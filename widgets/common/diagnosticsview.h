// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace/diagnostic.h"

#include <QWidget>

class QLabel;
class QListWidget;

namespace Opsdeck {

/** What a broken workspace opens to: every problem with its position, and a way out. */
class DiagnosticsView final : public QWidget
{
    Q_OBJECT

public:
    explicit DiagnosticsView(QWidget *parent = nullptr);
    void setDiagnostics(const QString &file, const Diagnostics &diagnostics);

signals:
    void reloadRequested();
    void openRequested();

private:
    QLabel *m_title;
    QListWidget *m_list;
};

} // namespace Opsdeck
