// SPDX-License-Identifier: GPL-3.0-or-later
#include "appstyle.h"

#include <QApplication>
#include <QListView>

namespace Opsdeck {

void AppStyle::install()
{
    if (!qobject_cast<AppStyle *>(QApplication::style()))
        QApplication::setStyle(new AppStyle); // the application owns it
}

int AppStyle::rowHeight(const QFontMetrics &metrics)
{
    // Room for a 16 px icon and the text with a little air, as KeePassXC's and Qt Creator's
    // lists have.
    return std::max(22, metrics.height() + 8);
}

int AppStyle::pixelMetric(PixelMetric metric, const QStyleOption *option,
                          const QWidget *widget) const
{
    // A table's rows are its vertical header's sections.
    if (metric == PM_HeaderDefaultSectionSizeVertical)
        return rowHeight(widget ? widget->fontMetrics() : QFontMetrics(QApplication::font()));
    return QProxyStyle::pixelMetric(metric, option, widget);
}

QSize AppStyle::sizeFromContents(ContentsType type, const QStyleOption *option, const QSize &size,
                                 const QWidget *widget) const
{
    QSize result = QProxyStyle::sizeFromContents(type, option, size, widget);
    // A tree's rows are its items' size hints. Multi-line items still grow; logs stay compact.
    if (type == CT_ItemViewItem && option && !qobject_cast<const QListView *>(widget))
        result.setHeight(std::max(result.height(), rowHeight(option->fontMetrics)));
    return result;
}

} // namespace Opsdeck
