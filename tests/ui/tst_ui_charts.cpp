// The charts of the main window, offscreen, against the generator's truth: lines start at the
// first minute with data (no zeros before it) with exact per-minute counts, the open minute is
// marked provisional, the time axis ticks on round minutes, hovering names the minute and each
// line's value, a legend click hides a line, a zoom on one chart zooms the others, any ad typed in
// the search box is charted with its exact counts, the report has its title block and its own
// size, and a dark palette gives the dark chart theme.
#include "ui_test_support.h"

#include "ui/charts/chart_report.h"
#include "ui/charts/clicks_chart.h"
#include "ui/models/chart_series.h"
#include "ui/widgets/charts_panel.h"
#include "ui/widgets/main_window.h"

#include "core/base/click_event.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QImage>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QWheelEvent>

#include <map>

using namespace adclick;
using namespace adclick::ui;

class TestUiCharts : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    uitest::Generated m_log;
    std::unique_ptr<MainWindow> m_window;
    std::map<int64_t, int64_t> m_perMinute; // truth: minute → clicks
    std::map<std::string, std::map<int64_t, int64_t>> m_perAd; // truth: ad → minute → clicks
    std::vector<std::string> m_adsByClicks; // truth: ads, most clicks first
    int64_t m_maxEventMinute = 0;
    int64_t m_openMinute = 0; // the watermark's minute (the newest event − 60 s lateness)

    ChartsPanel* panel() const { return m_window->findChild<ChartsPanel*>(); }

    //! "minute:clicks" per point of a line.
    static QStringList shown(const ClicksChart* chart, const QString& line)
    {
        QStringList out;
        for (const QPointF& p : chart->points(line))
            out << QStringLiteral("%1:%2").arg(int64_t(p.x()) / core::kMinuteMs).arg(int64_t(p.y()));
        return out;
    }

    //! The truth's line from the first minute holding data to the newest event's minute, with 0
    //! for a minute inside it without clicks of that line.
    //! The first minute with a click (before it the truth has minutes of late events only).
    int64_t firstClickMinute() const
    {
        for (const auto& [minute, clicks] : m_perMinute)
            if (clicks > 0) return minute;
        return m_perMinute.begin()->first;
    }

    QStringList truthLine(const std::map<int64_t, int64_t>& byMinute) const
    {
        QStringList out;
        for (int64_t m = firstClickMinute(); m <= m_maxEventMinute; ++m) {
            const auto it = byMinute.find(m);
            out << QStringLiteral("%1:%2").arg(m).arg(it == byMinute.end() ? 0 : it->second);
        }
        return out;
    }

    static void sendMouse(
        ClicksChart* chart, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons)
    {
        QMouseEvent e(type, pos, chart->viewport()->mapToGlobal(pos), button, buttons, Qt::NoModifier);
        QApplication::sendEvent(chart->viewport(), &e);
    }

    static double plotMiddleY(ClicksChart* chart)
    {
        const QRectF area = chart->chart()->plotArea();
        return chart->mapFromScene(chart->chart()->mapToScene(area.center())).y();
    }

    static QLineSeries* series(ClicksChart* chart, const QString& name)
    {
        for (QAbstractSeries* s : chart->chart()->series())
            if (s->name() == name) return qobject_cast<QLineSeries*>(s);
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        QApplication::setOrganizationName(QStringLiteral("AdClickTest"));
        QApplication::setApplicationName(QStringLiteral("tst_ui_charts"));
        // ~20 minutes of clicks.
        m_log = uitest::generate(m_dir.path(), QStringLiteral("clicks.csv"), 50'000, 200);
        m_maxEventMinute = m_log.truth.counter("max_event_ms") / core::kMinuteMs;
        QCOMPARE(m_log.truth.settings.at("lateness"), std::string("60"));
        m_openMinute = (m_log.truth.counter("max_event_ms") - 60'000) / core::kMinuteMs;
        std::map<std::string, int64_t> sums;
        for (const auto& [key, cell] : m_log.truth.panes) {
            m_perMinute[std::get<0>(key)] += cell.first;
            m_perAd[std::get<1>(key)][std::get<0>(key)] += cell.first;
            sums[std::get<1>(key)] += cell.first;
        }
        for (const auto& [ad, n] : sums)
            m_adsByClicks.push_back(ad);
        std::sort(m_adsByClicks.begin(), m_adsByClicks.end(),
            [&](const std::string& a, const std::string& b) { return sums[a] > sums[b]; });
        QVERIFY(m_adsByClicks.size() > 20);

        m_window = std::make_unique<MainWindow>();
        m_window->setDatabaseOverride(m_dir.filePath(QStringLiteral("charts.db")));
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->openArchive({ m_log.path });
        QVERIFY(uitest::settle(*m_window->controller()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->adChart()->lineNames().size() == 3, 30'000);
        QVERIFY(panel());
    }

    //! Defect 13: no zeros before the data begins; inside the data a minute without clicks is 0.
    void linesStartAtTheFirstMinuteWithData()
    {
        ClicksChart* total = m_window->totalChart();
        const QString all = QObject::tr("all clicks");
        QTRY_COMPARE(shown(total, all), truthLine(m_perMinute));
        for (const QString& ad : m_window->adChart()->lineNames())
            QCOMPARE(shown(m_window->adChart(), ad), truthLine(m_perAd[ad.toStdString()]));
        // An analysis range that begins 15 minutes before the data: nothing is drawn there.
        DashboardController* c = m_window->controller();
        const int64_t first = m_perMinute.begin()->first;
        c->setRange((first - 15) * core::kMinuteMs, (m_maxEventMinute + 1) * core::kMinuteMs);
        c->setFollowRange(false);
        QVERIFY(uitest::nextSnapshot(*c));
        QTRY_COMPARE(total->data().firstMinute, first - 15);
        QCOMPARE(shown(total, all), truthLine(m_perMinute));
        for (const QString& ad : m_window->adChart()->lineNames())
            QCOMPARE(shown(m_window->adChart(), ad), truthLine(m_perAd[ad.toStdString()]));
        // The late and duplicate lines too start with the data.
        const QList<QPointF> late = m_window->qualityChart()->points(QObject::tr("late"));
        QVERIFY(!late.isEmpty());
        QCOMPARE(int64_t(late.front().x()) / core::kMinuteMs, first);
        c->setFollowRange(true);
        QVERIFY(uitest::nextSnapshot(*c));
        QTRY_VERIFY(total->data().firstMinute >= first);
    }

    //! Defect 13: the open minutes (from the watermark's on: their clicks may still come) are
    //! provisional, drawn apart from the final ones.
    void openMinuteIsProvisional()
    {
        ClicksChart* total = m_window->totalChart();
        const QString all = QObject::tr("all clicks");
        QCOMPARE(total->openMinute(), std::optional<int64_t>(m_openMinute));
        const QList<QPointF> open = total->provisionalPoints(all);
        const int openCount = int(m_maxEventMinute - m_openMinute + 1);
        QVERIFY(openCount >= 1);
        QCOMPARE(open.size(), openCount);
        for (int i = 0; i < openCount; ++i) {
            QCOMPARE(int64_t(open[i].x()), (m_openMinute + i) * core::kMinuteMs);
            QCOMPARE(int64_t(open[i].y()), m_perMinute[m_openMinute + i]);
        }
        // A dashed series from the last final point through the open ones; the solid one ends
        // at the last final minute.
        QLineSeries* dashed = series(total, QObject::tr("%1 (open)").arg(all));
        QVERIFY(dashed);
        QCOMPARE(dashed->pen().style(), Qt::DashLine);
        QCOMPARE(dashed->count(), openCount + 1);
        QLineSeries* solid = series(total, all);
        QCOMPARE(solid->count(), int(total->points(all).size()) - openCount);
        QCOMPARE(int64_t(solid->at(solid->count() - 1).x()), (m_openMinute - 1) * core::kMinuteMs);
        const auto textAt
            = [total](int64_t minute) { return total->hoverTextAt(double(minute * core::kMinuteMs)); };
        QVERIFY(textAt(m_maxEventMinute).contains(QStringLiteral("(open")));
        QVERIFY(textAt(m_openMinute).contains(QStringLiteral("(open")));
        QVERIFY(!textAt(m_openMinute - 1).contains(QStringLiteral("(open")));
    }

    //! Defect 13: ticks on round minutes, evenly spaced, as the axis shows them.
    void ticksOnRoundMinutes()
    {
        for (ClicksChart* chart : { m_window->adChart(), m_window->totalChart(), m_window->qualityChart() }) {
            auto* axis = qobject_cast<QCategoryAxis*>(chart->chart()->axes(Qt::Horizontal).value(0));
            QVERIFY(axis);
            const QStringList labels = axis->categoriesLabels();
            QVERIFY2(labels.size() >= 2, qPrintable(labels.join(QLatin1Char(' '))));
            QList<int64_t> at;
            for (const QString& l : labels)
                at << int64_t(axis->endValue(l));
            const int64_t step = at[1] - at[0];
            QVERIFY(tickStepsMinutes().contains(step / core::kMinuteMs));
            for (qsizetype i = 0; i < at.size(); ++i) {
                QCOMPARE(at[i] % step, 0); // round in UTC (the default zone)
                if (i > 0) QCOMPARE(at[i] - at[i - 1], step);
                QVERIFY(at[i] >= axis->min() && at[i] <= axis->max());
                QCOMPARE(
                    labels[i], QDateTime::fromMSecsSinceEpoch(at[i], QTimeZone::utc()).toString("HH:mm"));
            }
        }
        // The tick rule itself over a few ranges, local time included.
        const int64_t base = 1'700'000'000'000 / core::kMinuteMs * core::kMinuteMs + 37 * core::kMinuteMs;
        for (const int64_t span : { 7, 31, 95, 600, 3000 })
            for (const bool utc : { true, false }) {
                const TimeTicks t
                    = roundMinuteTicks(double(base), double(base + span * core::kMinuteMs), 8, utc);
                QVERIFY(t.ms.size() >= 2 && t.ms.size() <= 8);
                for (const int64_t ms : t.ms) {
                    const QDateTime d = QDateTime::fromMSecsSinceEpoch(
                        ms, utc ? QTimeZone::utc() : QTimeZone::systemTimeZone());
                    const int64_t minuteOfDay = d.time().hour() * 60 + d.time().minute();
                    QCOMPARE(d.time().second(), 0);
                    QCOMPARE(minuteOfDay % std::min<int64_t>(t.stepMinutes, 1440), 0);
                }
            }
    }

    //! Hovering a chart: a crosshair and a tooltip with the minute and each line's value.
    void hoverNamesTheMinuteAndValues()
    {
        ClicksChart* chart = m_window->adChart();
        const int64_t minute = m_openMinute - 2;
        const QPointF at(chart->viewXOf(double(minute * core::kMinuteMs)) + 2, plotMiddleY(chart));
        sendMouse(chart, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
        const QString text = chart->hoverText();
        QVERIFY2(text.startsWith(formatMinuteWithZone(minute * core::kMinuteMs, true)), qPrintable(text));
        const QLocale l;
        for (const QString& ad : chart->lineNames())
            QVERIFY2(text.contains(QStringLiteral("%1: %2").arg(
                         ad, l.toString(qlonglong(m_perAd[ad.toStdString()][minute])))),
                qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("open")));
        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(chart, &leave);
        QVERIFY(chart->hoverText().isEmpty());
    }

    //! A click on a legend entry hides its line; another shows it again.
    void legendClickHidesALine()
    {
        ClicksChart* chart = m_window->adChart();
        const QString ad = chart->lineNames().front();
        const auto clickLegend = [&] {
            for (QGraphicsItem* item : chart->scene()->items()) {
                auto* text = dynamic_cast<QGraphicsTextItem*>(item);
                if (!text || text->toPlainText() != ad || !text->isVisible()) continue;
                const QPoint pos = chart->mapFromScene(text->sceneBoundingRect().center());
                sendMouse(chart, QEvent::MouseButtonPress, pos, Qt::LeftButton, Qt::LeftButton);
                sendMouse(chart, QEvent::MouseButtonRelease, pos, Qt::LeftButton, Qt::NoButton);
                return true;
            }
            return false;
        };
        QVERIFY(series(chart, ad)->isVisible());
        QVERIFY(clickLegend());
        QVERIFY(!chart->isLineVisible(ad));
        QVERIFY(!series(chart, ad)->isVisible());
        QVERIFY(!series(chart, QObject::tr("%1 (open)").arg(ad))->isVisible());
        QVERIFY(
            !chart->hoverTextAt(double(m_maxEventMinute * core::kMinuteMs)).contains(ad + QLatin1Char(':')));
        QVERIFY(clickLegend()); // the entry stays (dimmed) to bring the line back
        QVERIFY(chart->isLineVisible(ad));
        QVERIFY(series(chart, ad)->isVisible());
    }

    //! A zoom on one chart (rubber band, then wheel) shows the same minutes on the other two.
    void zoomIsLinked()
    {
        ClicksChart* total = m_window->totalChart();
        const auto full = total->xRange();
        const double y = plotMiddleY(total);
        const QPointF from(total->viewXOf(full.first + (full.second - full.first) * 0.5), y);
        const QPointF to(total->viewXOf(full.first + (full.second - full.first) * 0.8), y);
        sendMouse(total, QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
        sendMouse(total, QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton);
        sendMouse(total, QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
        const auto zoomed = total->xRange();
        QVERIFY(zoomed.second - zoomed.first < (full.second - full.first) * 0.5);
        for (ClicksChart* other : { m_window->adChart(), m_window->qualityChart() }) {
            QVERIFY(other->isZoomed());
            QCOMPARE(other->xRange(), zoomed);
        }
        // The wheel on another chart zooms them all again.
        ClicksChart* ads = m_window->adChart();
        const QPointF mid(ads->viewXOf((zoomed.first + zoomed.second) / 2), plotMiddleY(ads));
        QWheelEvent wheel(mid, ads->viewport()->mapToGlobal(mid), QPoint(), QPoint(0, 120), Qt::NoButton,
            Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(ads->viewport(), &wheel);
        const auto wheeled = ads->xRange();
        QVERIFY(wheeled.second - wheeled.first < zoomed.second - zoomed.first);
        QCOMPARE(total->xRange(), wheeled);
        QCOMPARE(m_window->qualityChart()->xRange(), wheeled);
        // New data does not move a zoomed axis; a reset on one chart resets all three.
        ads->resetZoom();
        for (ClicksChart* c : { m_window->adChart(), total, m_window->qualityChart() }) {
            QVERIFY(!c->isZoomed());
            QCOMPARE(c->xRange(), full);
        }
    }

    //! Any ad can be charted, not only the top N: typed in the search box, its exact counts.
    void chartsAnAdTypedInTheSearchBox()
    {
        const int topN = m_window->controller()->params().topN;
        // An ad well below the top N (by clicks over the whole archive) and not charted yet.
        const std::string ad = m_adsByClicks[m_adsByClicks.size() - 3];
        const QString name = QString::fromStdString(ad);
        QVERIFY(!m_window->adChart()->lineNames().contains(name));
        for (const TopRow& r : m_window->controller()->snapshot()->top)
            QVERIFY(r.adId != ad || topN > 1000);
        QLineEdit* search = panel()->adSearch();
        search->setFocus();
        QTest::keyClicks(search, name);
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->adChart()->lineNames().contains(name), 30'000);
        QCOMPARE(shown(m_window->adChart(), name), truthLine(m_perAd[ad]));
        QCOMPARE(m_window->adChart()->lineNames().size(), 4); // added to the charted ads
        QVERIFY(std::find(m_window->chartedAds().begin(), m_window->chartedAds().end(), ad)
            != m_window->chartedAds().end());
    }

    //! Defect 13: the charts' PNG is a report with a title block (source, range with its zone,
    //! filter, generation time) at its own size, not a grab of the splitter; the PDF too.
    void reportHasItsTitleBlock()
    {
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(1'780'000'000'000, QTimeZone::utc());
        const QStringList title = panel()->reportTitle(now);
        QCOMPARE(title.size(), 5);
        QCOMPARE(title[0], QObject::tr("AdClick Monitor — clicks per minute"));
        QVERIFY2(title[1].startsWith(QStringLiteral("Source: clicks.csv")), qPrintable(title[1]));
        QVERIFY(title[1].contains(QStringLiteral("charts.db")));
        const ChartData& d = m_window->totalChart()->data();
        QCOMPARE(title[2],
            QStringLiteral("Range: %1 – %2")
                .arg(formatMinuteWithZone(d.firstMinute * core::kMinuteMs, true),
                    formatMinuteWithZone(d.endMinute * core::kMinuteMs, true)));
        QVERIFY(title[2].endsWith(QStringLiteral(" UTC")));
        QCOMPARE(title[3], QStringLiteral("Filter: none (all clicks)"));
        QCOMPARE(title[4], QStringLiteral("Generated: 2026-05-28 20:26:40 UTC"));

        const QString png = m_dir.filePath(QStringLiteral("charts.png"));
        QVERIFY(m_window->exportChartPng(png));
        const QImage image(png);
        const QSize expected = panel()->report(false, now).size();
        QCOMPARE(image.size(), expected);
        QCOMPARE(image.width(), ChartReport::kWidth);
        QVERIFY(image.size() != panel()->size());
        // The title is drawn: dark pixels in its line, on a white page.
        int dark = 0;
        for (int x = 0; x < 600; ++x)
            for (int y = 24; y < 58; ++y)
                dark += qGray(image.pixel(x, y)) < 100;
        QVERIFY(dark > 100);
        QCOMPARE(image.pixel(image.width() - 2, 2), qRgb(255, 255, 255));
        // The dashboard report adds the top N; as PDF too.
        const ChartReport full = panel()->report(true, now);
        QVERIFY(full.table.size() >= 3);
        QVERIFY(
            full.table[2].contains(QString::fromStdString(m_window->controller()->snapshot()->top[0].adId)));
        const QString pdf = m_dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(panel()->saveReport(pdf));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QVERIFY(f.size() > 10'000);
    }

    //! Dark mode: a dark palette gives the dark chart theme, a light one the light theme again.
    void followsThePalette()
    {
        ClicksChart* chart = m_window->totalChart();
        QVERIFY(!chart->isDarkTheme());
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(30, 30, 30));
        dark.setColor(QPalette::Base, QColor(20, 20, 20));
        dark.setColor(QPalette::WindowText, Qt::white);
        panel()->setPalette(dark);
        QVERIFY(chart->isDarkTheme());
        QVERIFY(m_window->adChart()->isDarkTheme());
        // Lines keep their colours (lighter on dark) and the open part stays dashed.
        QCOMPARE(series(chart, QObject::tr("%1 (open)").arg(QObject::tr("all clicks")))->pen().style(),
            Qt::DashLine);
        // Drawn dark: the plot's background is dark, its labels light.
        const QImage shot = panel()->grab().toImage();
        if (qEnvironmentVariableIsSet("ADCLICK_CHART_SHOT"))
            shot.save(qEnvironmentVariable("ADCLICK_CHART_SHOT"));
        const QRectF area = chart->chart()->plotArea();
        const QPoint inPlot = chart->mapTo(
            panel(), chart->mapFromScene(chart->chart()->mapToScene(area.topLeft() + QPointF(3, 3))));
        QVERIFY(QColor(shot.pixel(inPlot)).lightness() < 100);
        panel()->setPalette(QApplication::palette());
        QVERIFY(!chart->isDarkTheme());
    }

    void cleanupTestCase() { m_window.reset(); }
};

QTEST_MAIN(TestUiCharts)
#include "tst_ui_charts.moc"
