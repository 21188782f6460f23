// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProxyStyle>

namespace Opsdeck {

/**
 * The application's look on top of the platform style: every table and tree row has one height
 * (Qt gives table rows the header's ~30 px and tree rows the text's ~20 px, so panes side by side
 * looked like two programs). Log lists keep their compact rows.
 */
class AppStyle final : public QProxyStyle
{
    Q_OBJECT

public:
    /** Makes this the application's style, once; later calls do nothing. */
    static void install();
    /** The one row height for text set in `metrics`. */
    static int rowHeight(const QFontMetrics &metrics);

    int pixelMetric(PixelMetric metric, const QStyleOption *option = nullptr,
                    const QWidget *widget = nullptr) const override;
    QSize sizeFromContents(ContentsType type, const QStyleOption *option, const QSize &size,
                           const QWidget *widget) const override;
};

} // namespace Opsdeck
