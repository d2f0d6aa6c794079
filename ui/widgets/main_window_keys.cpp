// MainWindow's fit to small screens and high scaling, its keyboard use and its theme (issue 11
// defects 5, 11 and dark mode): kept beside main_window.cpp, which composes the window.
#include "ui/widgets/main_window.h"

#include "ui/charts/clicks_chart.h"
#include "ui/models/top_n_model.h"
#include "ui/widgets/error_banner.h"
#include "ui/widgets/filter_panel.h"
#include "ui/widgets/health_panel.h"
#include "ui/widgets/range_bar.h"
#include "ui/widgets/window_fit.h"

#include <QApplication>
#include <QDockWidget>
#include <QEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QStatusBar>
#include <QTableView>

#include <algorithm>

namespace adclick::ui {

void MainWindow::fitSmallScreens()
{
    // The three charts share the height of a 640 px window with the toolbars and the events.
    for (ClicksChart* chart : { adChart(), totalChart(), qualityChart() })
        chart->setMinimumHeight(std::min(chart->minimumHeight(), 90));
    m_charts->setMinimumWidth(std::min(m_charts->minimumWidth(), 300));
    // Ad ids keep their whole text (an elided id is useless) and so do the short share figures;
    // the change column takes what is left and is elided first (its tooltip has the whole text).
    QHeaderView* header = m_topN->view()->horizontalHeader();
    header->setSectionResizeMode(TopNModel::AdColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TopNModel::ShareColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TopNModel::ChangeColumn, QHeaderView::Stretch);
    m_topN->view()->setTextElideMode(Qt::ElideRight);
    elideLabels(statusBar());
    elideLabels(m_banner);
}

void MainWindow::setUpKeyboard()
{
    setPanelTabOrder({ m_filters, m_topN, m_charts, m_health, m_events, m_rangeBar });
}

void MainWindow::focusPanel(MainActions::Panel panel)
{
    using P = MainActions::Panel;
    const std::pair<P, QWidget*> panels[] = { { P::Filters, m_filters }, { P::TopN, m_topN },
        { P::Charts, m_charts }, { P::Events, m_events }, { P::Health, m_health }, { P::Range, m_rangeBar } };
    QWidget* target = m_rangeBar;
    for (const auto& [p, widget] : panels)
        if (p == panel) target = widget;
    for (QWidget* w = target; w; w = w->parentWidget())
        if (auto* dock = qobject_cast<QDockWidget*>(w)) { // closed or tabbed away: show it
            dock->show();
            dock->raise();
            break;
        }
    QWidget* focus = panel == P::Filters ? m_filters->findChild<QLineEdit*>(QStringLiteral("ipEdit"))
        : panel == P::TopN               ? m_topN->view()
                                         : firstFocusable(target);
    if (!focus) focus = target;
    focus->setFocus(Qt::ShortcutFocusReason);
}

void MainWindow::setThemeMode(ThemeMode mode)
{
    applyThemeMode(mode);
    updateChartTheme();
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    // Also the system's palette changing under View → Theme → System.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange
        || event->type() == QEvent::ThemeChange)
        updateChartTheme();
}

void MainWindow::updateChartTheme()
{
    // The application's palette: a window not shown yet may not have resolved its own.
    const bool dark = isDarkPalette(QApplication::palette());
    for (ClicksChart* chart : findChildren<ClicksChart*>())
        applyChartTheme(chart->chart(), dark);
    if (dark == m_dark) return;
    m_dark = dark;
    emit themeChanged(dark);
}

} // namespace adclick::ui
