#include "ui/widgets/error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace adclick::ui {

ErrorBanner::ErrorBanner(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setAttribute(Qt::WA_StyledBackground);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    setWarningStyle(false);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &ErrorBanner::clear);
    m_action = new QPushButton(this);
    m_action->setObjectName(QStringLiteral("bannerAction"));
    m_action->hide();
    connect(m_action, &QPushButton::clicked, this, [this] {
        if (const auto action = m_onAction) action();
    });
    layout->addWidget(m_label, 1);
    layout->addWidget(m_action, 0, Qt::AlignTop);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void ErrorBanner::setWarningStyle(bool warning)
{
    m_warning = warning;
    setStyleSheet(warning ? QStringLiteral("#errorBanner { background: #fef5e7; border: 1px solid #f0c36d; "
                                           "border-radius: 4px; }")
                          : QStringLiteral("#errorBanner { background: #fdecea; border: 1px solid #e6b0aa; "
                                           "border-radius: 4px; }"));
    m_label->setStyleSheet(warning ? QStringLiteral("color: #7e5109;") : QStringLiteral("color: #922b21;"));
}

void ErrorBanner::showError(const QString& message)
{
    showNotice(message, true);
}

void ErrorBanner::showNotice(const QString& message, bool error)
{
    setWarningStyle(!error);
    m_label->setText(message);
    setAction({}, {});
    show();
    m_fromQuery = false;
}

void ErrorBanner::setAction(const QString& text, std::function<void()> action)
{
    m_onAction = std::move(action);
    m_action->setText(text);
    m_action->setVisible(!text.isEmpty() && m_onAction);
}

QString ErrorBanner::actionText() const
{
    return m_action->isVisible() ? m_action->text() : QString();
}

void ErrorBanner::showQueryError(const QString& message)
{
    showError(message);
    m_fromQuery = true;
}

void ErrorBanner::clearQueryError()
{
    if (m_fromQuery) clear();
}

void ErrorBanner::clear()
{
    m_label->clear();
    setAction({}, {});
    hide();
    m_fromQuery = false;
}

QString ErrorBanner::text() const
{
    return m_label->text();
}

} // namespace adclick::ui
