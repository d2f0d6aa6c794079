#include "ui/widgets/table_view.h"

#include <QHeaderView>
#include <QTableView>

namespace adclick::ui {

QTableView* makeTableView(QWidget* parent, QAbstractItemModel* model)
{
    auto* v = new QTableView(parent);
    if (model) v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
    v->horizontalHeader()->setHighlightSections(false);
    v->setAlternatingRowColors(true);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->setWordWrap(false);
    return v;
}

} // namespace adclick::ui
