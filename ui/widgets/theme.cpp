#include "ui/widgets/theme.h"

#include <QApplication>
#include <QChart>
#include <QPalette>
#include <QStyle>
#include <QXYSeries>

#include <vector>

namespace adclick::ui {

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor text(0xe6, 0xe6, 0xe6), disabledText(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1f, 0x1f, 0x1f));
    p.setColor(QPalette::AlternateBase, QColor(0x29, 0x29, 0x29));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8c, 0x8c));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    // Mid is also the captions' text colour (palette(mid) in the panels): readable on Window.
    p.setColor(QPalette::Mid, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Shadow, QColor(0x10, 0x10, 0x10));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xee));
    p.setColor(QPalette::LinkVisited, QColor(0xb4, 0x8e, 0xe6));
    for (const QPalette::ColorRole role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, disabledText);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
    return p;
}

} // namespace

QString themeModeKey(ThemeMode mode)
{
    switch (mode) {
    case ThemeMode::Light:
        return QStringLiteral("light");
    case ThemeMode::Dark:
        return QStringLiteral("dark");
    case ThemeMode::System:
        break;
    }
    return QStringLiteral("system");
}

ThemeMode themeModeFromKey(const QString& key)
{
    if (key == QLatin1String("light")) return ThemeMode::Light;
    if (key == QLatin1String("dark")) return ThemeMode::Dark;
    return ThemeMode::System;
}

bool applyThemeMode(ThemeMode mode)
{
    switch (mode) {
    case ThemeMode::System:
        // An empty palette resolves nothing: the application's palette is the platform's again,
        // and follows it when the system's theme changes.
        QApplication::setPalette(QPalette());
        break;
    case ThemeMode::Light:
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case ThemeMode::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
    return isDarkPalette(QApplication::palette());
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

void applyChartTheme(QChart* chart, bool dark)
{
    const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (!chart || chart->theme() == theme) return;
    std::vector<std::pair<QXYSeries*, QPen>> pens;
    for (QAbstractSeries* s : chart->series())
        if (auto* xy = qobject_cast<QXYSeries*>(s)) pens.emplace_back(xy, xy->pen());
    chart->setTheme(theme);
    for (auto& [series, pen] : pens)
        series->setPen(pen);
}

} // namespace adclick::ui
