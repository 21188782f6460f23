// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace Opsdeck {

namespace {

QColor levelColor(MessageBanner::Level level, const QPalette &palette)
{
    // KMessageWidget's hues; information follows the palette so it matches the theme.
    switch (level) {
    case MessageBanner::Level::Positive:
        return QColor(0x27, 0xae, 0x60);
    case MessageBanner::Level::Warning:
        return QColor(0xf6, 0x74, 0x00);
    case MessageBanner::Level::Error:
        return QColor(0xda, 0x44, 0x53);
    case MessageBanner::Level::Information:
        break;
    }
    return palette.color(QPalette::Highlight);
}

QColor blend(const QColor &a, const QColor &b, double weightOfA)
{
    return QColor::fromRgbF(a.redF() * weightOfA + b.redF() * (1 - weightOfA),
                            a.greenF() * weightOfA + b.greenF() * (1 - weightOfA),
                            a.blueF() * weightOfA + b.blueF() * (1 - weightOfA));
}

} // namespace

MessageBanner::MessageBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    m_text->setObjectName(QStringLiteral("bannerText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_text, &QLabel::linkActivated, this, &MessageBanner::linkActivated);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Close"));
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::dismiss);
    m_layout = new QHBoxLayout(this);
    m_layout->setContentsMargins(10, 6, 4, 6);
    m_layout->addWidget(m_text, 1);
    m_layout->addWidget(m_close, 0, Qt::AlignTop);
    QFrame::hide();
}

void MessageBanner::showMessage(Level level, const QString &text, Qt::TextFormat format)
{
    m_level = level;
    m_text->setTextFormat(format);
    m_text->setText(text);
    const QColor accent = levelColor(level, palette());
    const QColor window = palette().color(QPalette::Window);
    setStyleSheet(QStringLiteral("#messageBanner { background: %1; border: 1px solid %2; "
                                 "border-radius: 4px; } #bannerText { color: %3; }")
                      .arg(blend(accent, window, 0.2).name(), accent.name(),
                           palette().color(QPalette::WindowText).name()));
    QFrame::show();
}

void MessageBanner::dismiss()
{
    QFrame::hide();
}

void MessageBanner::addButton(QAction *action)
{
    auto *button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_layout->insertWidget(m_layout->indexOf(m_close), button, 0, Qt::AlignVCenter);
}

void MessageBanner::setClosable(bool closable)
{
    m_close->setVisible(closable);
}

QString MessageBanner::text() const
{
    return isHidden() ? QString() : m_text->text();
}

} // namespace Opsdeck
