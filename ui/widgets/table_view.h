#pragma once

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace adclick::ui {

//! The dashboard's read-only table look: whole rows selected, compact rows, alternating colours,
//! no editing, no word wrap.
QTableView* makeTableView(QWidget* parent, QAbstractItemModel* model = nullptr);

} // namespace adclick::ui
