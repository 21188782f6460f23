// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QHeaderView>
#include <QMap>
#include <QStringList>
#include <QTableView>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextEdit>
#include <QTextLayout>
#include <QTreeView>

#include <algorithm>

namespace Opsdeck {

/**
 * Columns whose text is cut ("database.pass…", "comm…") while the same view has enough unused
 * width beside it to show it whole: what a user reads as a careless layout. A column longer than
 * all the spare width together (a query, a message) may be elided; that is what eliding is for.
 * Looks at every visible table and tree under `root`; returns one line per offending column.
 */
inline QStringList columnsCutBesideSpareWidth(QWidget *root)
{
    constexpr int kTolerance = 4; // pixels: rounding of the style's margins
    QStringList problems;
    for (QAbstractItemView *view : root->findChildren<QAbstractItemView *>()) {
        if (!view->isVisible() || !view->model() || view->model()->rowCount() == 0)
            continue;
        QHeaderView *header = nullptr;
        if (auto *table = qobject_cast<QTableView *>(view))
            header = table->horizontalHeader();
        else if (auto *tree = qobject_cast<QTreeView *>(view))
            header = tree->header();
        if (!header || header->count() < 2)
            continue;
        struct Column
        {
            int index, width, needed;
        };
        QList<Column> columns;
        int used = 0;
        for (int c = 0; c < header->count(); ++c) {
            if (header->isSectionHidden(c))
                continue;
            const int needed = std::max(view->sizeHintForColumn(c), header->sectionSizeHint(c));
            columns << Column{c, header->sectionSize(c), needed};
            used += header->sectionSize(c);
        }
        int spare = std::max(0, view->viewport()->width() - used);
        for (const Column &column : columns)
            spare += std::max(0, column.width - column.needed);
        for (const Column &column : columns) {
            const int shortfall = column.needed - column.width;
            if (shortfall > kTolerance &&
                shortfall + kTolerance <= spare - std::max(0, column.width - column.needed))
                problems
                    << QStringLiteral("%1: column \"%2\" is %3 px wide, needs %4, while %5 px "
                                      "sit unused")
                           .arg(view->objectName().isEmpty()
                                    ? QString::fromLatin1(view->metaObject()->className())
                                    : view->objectName(),
                                view->model()->headerData(column.index, Qt::Horizontal).toString())
                           .arg(column.width)
                           .arg(column.needed)
                           .arg(spare);
        }
    }
    return problems;
}

/**
 * The height of the first row of every visible table and tree under `root` with rows, with the
 * views that have it: one key means one row height everywhere.
 */
inline QMap<int, QStringList> rowHeightsUnder(QWidget *root)
{
    QMap<int, QStringList> heights;
    for (QAbstractItemView *view : root->findChildren<QAbstractItemView *>()) {
        if (!view->isVisible() || !view->model() || view->model()->rowCount() == 0 ||
            (!qobject_cast<QTableView *>(view) && !qobject_cast<QTreeView *>(view)))
            continue;
        // The pitch from one row to the next: a table's grid line is part of its row.
        const auto *table = qobject_cast<QTableView *>(view);
        const int height =
            table ? table->rowHeight(0) : view->visualRect(view->model()->index(0, 0)).height();
        heights[height] << (view->objectName().isEmpty()
                                ? QString::fromLatin1(view->metaObject()->className())
                                : view->objectName());
    }
    return heights;
}

/** Words a visible text view under `root` breaks across two lines ("idx_mess|ages_user"). */
inline QStringList wordsBrokenAcrossLines(QWidget *root)
{
    const auto isWordChar = [](QChar c) {
        return c.isLetterOrNumber() || c == QLatin1Char('_');
    };
    QStringList broken;
    for (QTextEdit *edit : root->findChildren<QTextEdit *>()) {
        if (!edit->isVisible())
            continue;
        QTextDocument *document = edit->document();
        document->documentLayout()->documentSize(); // laid out, at the view's width, now
        for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
            const QTextLayout *layout = block.layout();
            const QString text = block.text();
            for (int i = 0; layout && i + 1 < layout->lineCount(); ++i) {
                const QTextLine line = layout->lineAt(i);
                const int end = line.textStart() + line.textLength();
                if (end > 0 && end < text.size() && isWordChar(text.at(end - 1)) &&
                    isWordChar(text.at(end)))
                    broken << text.mid(std::max(0, end - 12), 24);
            }
        }
    }
    return broken;
}

} // namespace Opsdeck
