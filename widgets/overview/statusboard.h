// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/pulselines.h"

#include <QGroupBox>
#include <QHash>

class QGridLayout;
class QLabel;
class QPushButton;

namespace Opsdeck {

/**
 * The status page's lines: a coloured dot with the concern's worst state, its sentence, the few
 * things behind it, and a button to the pane that shows it in full. Server text stays plain text.
 */
class StatusBoard final : public QGroupBox
{
    Q_OBJECT

public:
    explicit StatusBoard(QWidget *parent = nullptr);

    /** Shows `lines` in order; a concern seen before keeps its row. */
    void setLines(const QList<PulseLine> &lines);
    const QList<PulseLine> &lines() const { return m_lines; }
    /** The sentence shown for a concern ("database"), empty if none. */
    QString summaryText(const QString &concern) const;
    QString detailsText(const QString &concern) const;

signals:
    void openPane(const QString &paneId);

private:
    struct Row
    {
        QLabel *dot;
        QLabel *title;
        QLabel *summary;
        QLabel *details;
        QPushButton *open;
    };
    Row &rowFor(const QString &concern);

    QGridLayout *m_grid;
    QList<PulseLine> m_lines;
    QHash<QString, Row> m_rows;
};

} // namespace Opsdeck
