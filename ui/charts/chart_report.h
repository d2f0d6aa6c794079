#pragma once

#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

namespace adclick::ui {

class ClicksChart;

//! A report of the dashboard as one picture: a title block (title, source, range with its zone,
//! filter, generation time), optional table lines (the top N), then the charts one below the
//! other at a fixed size, drawn on a light background whatever the screen's layout and theme
//! (no splitter handles, no scroll bars).
struct ChartReport {
    QStringList title; //!< the first line is the title, the others are the details
    QStringList table; //!< monospaced lines under the title block (may be empty)
    QList<const ClicksChart*> charts;

    static constexpr int kWidth = 1400;
    static constexpr int kChartHeight = 380;

    //! The size of the whole report in pixels (PNG) or points (PDF, scaled onto an A4 page).
    QSize size() const;
    //! Writes a PNG or, for a path ending in .pdf, a PDF. False when it cannot be written.
    bool save(const QString& path) const;
};

} // namespace adclick::ui
