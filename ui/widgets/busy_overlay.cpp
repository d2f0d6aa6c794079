#include "ui/widgets/busy_overlay.h"

#include "ui/dashboard/dashboard_controller.h"

#include <QEvent>
#include <QPainter>
#include <QPointer>
#include <QSplitter>

#include <algorithm>

namespace adclick::ui {

BusyViews affectedViews(const ViewParams& shown, const ViewParams& wanted)
{
    const bool filter = shown.filter != wanted.filter;
    const bool window = shown.windowMinutes != wanted.windowMinutes || shown.windowEnd != wanted.windowEnd
        || (wanted.windowEnd == WindowEnd::Explicit && shown.atMs != wanted.atMs);
    const bool range = shown.followRange != wanted.followRange
        || (wanted.followRange
                ? shown.chartMinutes != wanted.chartMinutes
                : shown.rangeFromMs != wanted.rangeFromMs || shown.rangeToMs != wanted.rangeToMs);
    BusyViews v;
    v.topN = filter || window || shown.topN != wanted.topN;
    v.countries = window || shown.countryBaseFilter != wanted.countryBaseFilter;
    v.charts = filter || range || shown.selectedAds != wanted.selectedAds;
    return v;
}

namespace {

//! The widget the overlay lives in: the target, or — when it is a splitter, which would take a
//! new child as one more pane — its nearest ancestor that is not one.
QWidget* hostFor(QWidget* target)
{
    QWidget* host = target;
    while (host && qobject_cast<QSplitter*>(host))
        host = host->parentWidget();
    return host ? host : target;
}

} // namespace

BusyOverlay::BusyOverlay(QWidget* target)
    : QWidget(hostFor(target))
    , m_target(target)
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setFocusPolicy(Qt::NoFocus);
    setToolTip(tr("Updating for the new settings; the numbers shown are the previous ones"));
    target->installEventFilter(this);
    follow();
    hide();
}

void BusyOverlay::follow()
{
    QWidget* host = parentWidget();
    setGeometry(
        host == m_target ? m_target->rect() : QRect(m_target->mapTo(host, QPoint(0, 0)), m_target->size()));
}

void BusyOverlay::setBusy(bool busy)
{
    if (busy == m_busy) return;
    m_busy = busy;
    setVisible(busy);
    if (busy) {
        follow();
        raise();
    }
}

bool BusyOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_target && (event->type() == QEvent::Resize || event->type() == QEvent::Move)) follow();
    return QWidget::eventFilter(watched, event);
}

void BusyOverlay::paintEvent(QPaintEvent* /*event*/)
{
    QPainter p(this);
    QColor wash = palette().color(QPalette::Base);
    wash.setAlpha(110); // greys the numbers; they stay readable
    p.fillRect(rect(), wash);
    const QString text = tr("Updating…");
    QFont font = p.font();
    font.setBold(true);
    p.setFont(font);
    const QFontMetrics fm(font);
    const QRect pill(QPoint(0, 0), QSize(fm.horizontalAdvance(text) + 24, fm.height() + 10));
    // Bottom right: the first rows and the plot's top stay uncovered.
    const QRect at = pill.translated(
        std::max(0, width() - pill.width() - 10), std::max(0, height() - pill.height() - 10));
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(palette().color(QPalette::Highlight));
    p.drawRoundedRect(at, pill.height() / 2.0, pill.height() / 2.0);
    p.setPen(palette().color(QPalette::HighlightedText));
    p.drawText(at, Qt::AlignCenter, text);
}

void attachBusyOverlays(DashboardController* controller, QWidget* topN, QWidget* countries, QWidget* charts)
{
    auto* topNOverlay = new BusyOverlay(topN);
    auto* countryOverlay = new BusyOverlay(countries);
    auto* chartOverlay = new BusyOverlay(charts);
    topNOverlay->setObjectName(QStringLiteral("busyTopN"));
    countryOverlay->setObjectName(QStringLiteral("busyCountries"));
    chartOverlay->setObjectName(QStringLiteral("busyCharts"));
    const auto update
        = [controller, t = QPointer(topNOverlay), c = QPointer(countryOverlay), ch = QPointer(chartOverlay)] {
              if (!t || !c || !ch) return;
              const SnapshotPtr s = controller->snapshot();
              BusyViews v;
              if (s && s->paramsGeneration != controller->paramsGeneration())
                  v = affectedViews(s->params, controller->params());
              t->setBusy(v.topN);
              c->setBusy(v.countries);
              ch->setBusy(v.charts);
          };
    QObject::connect(controller, &DashboardController::paramsChanged, topNOverlay, update);
    QObject::connect(controller, &DashboardController::snapshotChanged, topNOverlay, update);
    QObject::connect(controller, &DashboardController::sourceChanged, topNOverlay, update);
}

} // namespace adclick::ui
