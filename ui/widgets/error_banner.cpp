#include "ui/widgets/error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace adclick::ui {

ErrorBanner::ErrorBanner(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(QStringLiteral(
        "#errorBanner { background: #fdecea; border: 1px solid #e6b0aa; border-radius: 4px; }"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setStyleSheet(QStringLiteral("color: #922b21;"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &ErrorBanner::clear);
    layout->addWidget(m_label, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void ErrorBanner::showError(const QString& message)
{
    m_label->setText(message);
    show();
    m_fromQuery = false;
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
    hide();
    m_fromQuery = false;
}

QString ErrorBanner::text() const
{
    return m_label->text();
}

} // namespace adclick::ui
