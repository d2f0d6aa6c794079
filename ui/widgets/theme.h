#pragma once

#include <QString>

class QChart;
class QPalette;

namespace adclick::ui {

//! View → Theme: the platform's palette (follows the system while it changes), or our own
//! light or dark one.
enum class ThemeMode { System, Light, Dark };

QString themeModeKey(ThemeMode mode); //!< "system", "light", "dark" (the settings value)
ThemeMode themeModeFromKey(const QString& key); //!< System for anything else

//! Sets the application's palette for `mode`; returns whether the result is dark.
bool applyThemeMode(ThemeMode mode);
//! A palette whose windows are dark (light text on a dark background).
bool isDarkPalette(const QPalette& palette);
//! The chart's dark or light theme, keeping the series' own pens (their colours say which ad a
//! line is: a theme would repaint them in its own colours).
void applyChartTheme(QChart* chart, bool dark);

} // namespace adclick::ui
