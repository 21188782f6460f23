// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dbexplorer/tabledetails.h"

#include <QTextBrowser>

namespace Opsdeck {

/**
 * One object's structure: sizes and maintenance, columns, indexes, constraints, foreign keys in
 * both directions (each a link to the other table), triggers, policies and grants. Every
 * server string is escaped: a column comment is text, never markup.
 */
class ObjectDetailsView final : public QTextBrowser
{
    Q_OBJECT

public:
    explicit ObjectDetailsView(QWidget *parent = nullptr);

    void showDetails(const ObjectDetails &details);
    void showMessage(const QString &message);
    /** The HTML shown, for tests (links included). */
    QString html() const { return m_html; }

signals:
    void openObject(qint64 oid);

private:
    QString m_html;
};

} // namespace Opsdeck
