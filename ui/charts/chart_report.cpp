#include "ui/charts/chart_report.h"

#include "ui/charts/clicks_chart.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QResizeEvent>

#include <memory>

namespace adclick::ui {

namespace {

constexpr int kMargin = 24;
constexpr int kTitleHeight = 34;
constexpr int kLineHeight = 22;
constexpr int kTableLineHeight = 18;

int headerHeight(const ChartReport& r)
{
    int h = kMargin + kTitleHeight + int(std::max<qsizetype>(r.title.size() - 1, 0)) * kLineHeight;
    if (!r.table.isEmpty()) h += 12 + int(r.table.size()) * kTableLineHeight;
    return h + 12;
}

void paintHeader(QPainter& p, const ChartReport& r)
{
    p.setPen(QColor(20, 20, 20));
    QFont f = QFont();
    f.setPixelSize(24);
    f.setBold(true);
    p.setFont(f);
    int y = kMargin;
    if (!r.title.isEmpty())
        p.drawText(QRect(kMargin, y, ChartReport::kWidth - 2 * kMargin, kTitleHeight), Qt::AlignVCenter,
            r.title.front());
    y += kTitleHeight;
    f.setPixelSize(15);
    f.setBold(false);
    p.setFont(f);
    for (qsizetype i = 1; i < r.title.size(); ++i, y += kLineHeight)
        p.drawText(
            QRect(kMargin, y, ChartReport::kWidth - 2 * kMargin, kLineHeight), Qt::AlignVCenter, r.title[i]);
    if (r.table.isEmpty()) return;
    y += 12;
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPixelSize(14);
    p.setFont(mono);
    for (const QString& line : r.table) {
        p.drawText(
            QRect(kMargin, y, ChartReport::kWidth - 2 * kMargin, kTableLineHeight), Qt::AlignVCenter, line);
        y += kTableLineHeight;
    }
}

//! Draws a copy of `chart` at the report's chart size (the on-screen one keeps its size).
void paintChart(QPainter& p, const ClicksChart& chart, int y)
{
    auto copy = std::make_unique<ClicksChart>(QString());
    copy->setAttribute(Qt::WA_DontShowOnScreen);
    copy->setPrintStyle();
    const QSize size(ChartReport::kWidth - 2 * kMargin, ChartReport::kChartHeight);
    copy->resize(size);
    QResizeEvent resized(size, QSize());
    QCoreApplication::sendEvent(copy.get(), &resized);
    copy->copyViewFrom(chart);
    copy->setFrameShape(QFrame::NoFrame);
    static_cast<QWidget*>(copy.get())->render(&p, QPoint(kMargin, y), QRegion(), QWidget::DrawChildren);
}

void paint(QPainter& p, const ChartReport& r)
{
    p.fillRect(QRect(QPoint(0, 0), r.size()), Qt::white);
    paintHeader(p, r);
    int y = headerHeight(r);
    for (const ClicksChart* c : r.charts) {
        paintChart(p, *c, y);
        y += ChartReport::kChartHeight + 8;
    }
}

} // namespace

QSize ChartReport::size() const
{
    return QSize(kWidth, headerHeight(*this) + int(charts.size()) * (kChartHeight + 8) + kMargin);
}

bool ChartReport::save(const QString& path) const
{
    if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setTitle(title.value(0));
        pdf.setCreator(QStringLiteral("AdClick Monitor"));
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout::Millimeter);
        QPainter p;
        if (!p.begin(&pdf)) return false;
        const QRect page = p.viewport();
        const QSize s = size();
        const double scale = std::min(double(page.width()) / s.width(), double(page.height()) / s.height());
        p.scale(scale, scale);
        paint(p, *this);
        return p.end();
    }
    QImage image(size(), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    paint(p, *this);
    p.end();
    return image.save(path, "PNG");
}

} // namespace adclick::ui
