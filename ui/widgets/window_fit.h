#pragma once

#include <QList>
#include <QSize>

class QScrollArea;
class QWidget;

namespace adclick::ui {

//! The main window's first size: 1600×980 logical pixels, or 92 % of the screen's available
//! geometry when that is smaller (at 150 % scaling a 1920×1080 screen has 1280×720), but never
//! below `minimum` (the window's own minimum size).
QSize initialWindowSize(const QSize& available, const QSize& minimum);

//! Screens narrower than this (logical pixels) get the health dock as a tab beside the filters:
//! at 1024 px three columns of panels leave the charts too little room.
constexpr int kTabbedDocksBelowWidth = 1100;
//! Screens shorter than this get the events as a tab beside the filters: the three charts share
//! the height, and below ~170 px each Qt Charts elides their axis labels.
constexpr int kTabbedEventsBelowHeight = 800;

//! Wraps a dock's panel in a frameless scroll area: the dock's size no longer follows its content
//! (a long message cannot widen it and squeeze the charts), and a tall panel scrolls in a short
//! window instead of raising the window's minimum height. `horizontal`: scroll sideways too
//! (otherwise the panel gets the dock's width and its labels elide).
QScrollArea* scrollableDockContent(QWidget* panel, bool horizontal);

//! Lets the labels inside `root` (now and added later) shrink below their text: a single-line
//! label that does not fit is drawn elided in the middle and shows its whole text as tooltip; a
//! word-wrapped one wraps, and shows its text as tooltip when a long word still does not fit.
//! The labels' text() is unchanged.
void elideLabels(QWidget* root);

//! Tab walks the panels in this order, each panel's controls in their own order; a table is one
//! stop (Tab leaves it; the arrows move within it), so Tab never changes a selection.
void setPanelTabOrder(const QList<QWidget*>& panels);
//! The first control of `panel` that takes the focus by Tab (nullptr if none is visible).
QWidget* firstFocusable(QWidget* panel);

} // namespace adclick::ui
