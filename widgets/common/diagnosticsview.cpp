// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosticsview.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace Opsdeck {

DiagnosticsView::DiagnosticsView(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("diagnosticsView"));
    m_title->setWordWrap(true);
    m_list->setObjectName(QStringLiteral("diagnosticsList"));
    m_list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_list->setWordWrap(true);
    auto *reload = new QPushButton(QStringLiteral("Reload"), this);
    auto *open = new QPushButton(QStringLiteral("Open another workspace…"), this);
    connect(reload, &QPushButton::clicked, this, &DiagnosticsView::reloadRequested);
    connect(open, &QPushButton::clicked, this, &DiagnosticsView::openRequested);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(reload);
    buttons->addWidget(open);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
}

void DiagnosticsView::setDiagnostics(const QString &file, const Diagnostics &diagnostics)
{
    int errors = 0;
    for (const Diagnostic &d : diagnostics)
        errors += d.isError();
    m_title->setText(QStringLiteral("<h2>This workspace cannot be opened</h2>"
                                    "<p>%1 has %2 %3. Fix the file and it reloads by itself.</p>")
                         .arg(file.toHtmlEscaped())
                         .arg(errors)
                         .arg(errors == 1 ? QStringLiteral("error") : QStringLiteral("errors")));
    m_list->clear();
    for (const Diagnostic &d : diagnostics) {
        auto *item = new QListWidgetItem(d.toString(), m_list);
        item->setIcon(style()->standardIcon(d.isError() ? QStyle::SP_MessageBoxCritical
                                                        : QStyle::SP_MessageBoxWarning));
    }
}

} // namespace Opsdeck
