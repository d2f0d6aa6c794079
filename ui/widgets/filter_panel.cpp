#include "ui/widgets/filter_panel.h"

#include "ui/models/country_model.h"
#include "ui/models/saved_filters_model.h"
#include "ui/widgets/table_view.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace adclick::ui {

namespace {

//! A single-selection table (word-wrapped: saved filters' expressions can be long).
QTableView* makeTable(QWidget* parent, QAbstractItemModel* model)
{
    QTableView* v = makeTableView(parent, model);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->verticalHeader()->hide();
    v->setWordWrap(true);
    return v;
}

//! A push button as narrow as its text: the style's minimum button width (75 px and more) made
//! three buttons in a row wider than the dock, so the panel scrolled sideways at 150 %.
QPushButton* compactButton(const QString& text, QWidget* parent)
{
    auto* button = new QPushButton(text, parent);
    button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed); // may shrink below its hint
    button->setMinimumWidth(button->fontMetrics().horizontalAdvance(text) + button->fontMetrics().height());
    return button;
}

} // namespace

FilterPanel::FilterPanel(QWidget* parent)
    : QWidget(parent)
    , m_countries(new CountryModel(this))
    , m_countryProxy(new QSortFilterProxyModel(this))
    , m_saved(new SavedFiltersModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createCountryBox(), 3);
    layout->addWidget(createFieldBox());
    layout->addWidget(createSavedBox(), 2);
    m_active = new QLabel(this);
    m_active->setObjectName(QStringLiteral("activeFilter"));
    m_active->setWordWrap(true);
    m_active->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_active);
    setFilter(FilterState());
}

QWidget* FilterPanel::createCountryBox()
{
    auto* box = new QGroupBox(tr("Countries"), this);
    auto* layout = new QVBoxLayout(box);
    m_countryProxy->setSourceModel(m_countries);
    m_countryProxy->setSortRole(CountryModel::SortRole);
    m_countryProxy->setDynamicSortFilter(true);
    m_countryView = makeTable(box, m_countryProxy);
    m_countryView->setObjectName(QStringLiteral("countryView"));
    m_countryView->setSortingEnabled(true);
    m_countryView->sortByColumn(CountryModel::ClicksColumn, Qt::DescendingOrder);
    m_countryView->horizontalHeader()->setSectionResizeMode(
        CountryModel::CountryColumn, QHeaderView::Stretch);
    m_countryView->setToolTip(tr("Clicks per country over the top-N window (without the country filter). "
                                 "Check countries to show only them; none checked means all."));
    layout->addWidget(m_countryView);
    auto* buttons = new QHBoxLayout();
    auto* none = compactButton(tr("All countries"), box);
    none->setToolTip(tr("Uncheck every country: no country filter"));
    buttons->addWidget(none);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(none, &QPushButton::clicked, this, [this] {
        m_countries->setCheckedCountries({});
        m_filter.countries.clear();
        emitFilter();
    });
    connect(m_countries, &CountryModel::checkedChanged, this, [this](const QStringList& c) {
        m_filter.countries = c;
        emitFilter();
    });
    return box;
}

QWidget* FilterPanel::createFieldBox()
{
    auto* box = new QGroupBox(tr("IP and user"), this);
    auto* form = new QFormLayout(box);
    m_ip = new QLineEdit(box);
    m_ip->setObjectName(QStringLiteral("ipEdit"));
    m_ip->setPlaceholderText(tr("10.1.0.0/16 or 1.2.3.4"));
    m_ip->setClearButtonEnabled(true);
    m_userId = new QLineEdit(box);
    m_userId->setObjectName(QStringLiteral("userEdit"));
    m_userId->setPlaceholderText(tr("user id"));
    m_userId->setClearButtonEnabled(true);
    form->addRow(tr("IP"), m_ip);
    form->addRow(tr("user_id"), m_userId);
    auto* buttons = new QHBoxLayout();
    auto* apply = compactButton(tr("Apply"), box);
    auto* clear = compactButton(tr("Clear all filters"), box);
    buttons->addWidget(apply);
    buttons->addWidget(clear);
    form->addRow(buttons);
    m_error = new QLabel(box);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_error->hide();
    form->addRow(m_error);
    connect(apply, &QPushButton::clicked, this, &FilterPanel::applyFields);
    connect(m_ip, &QLineEdit::returnPressed, this, &FilterPanel::applyFields);
    connect(m_userId, &QLineEdit::returnPressed, this, &FilterPanel::applyFields);
    connect(clear, &QPushButton::clicked, this, [this] {
        setFilter(FilterState());
        emitFilter();
    });
    return box;
}

QWidget* FilterPanel::createSavedBox()
{
    auto* box = new QGroupBox(tr("Saved filters"), this);
    auto* layout = new QVBoxLayout(box);
    m_savedView = makeTable(box, m_saved);
    m_savedView->setObjectName(QStringLiteral("savedFiltersView"));
    m_savedView->horizontalHeader()->setSectionResizeMode(
        SavedFiltersModel::ExpressionColumn, QHeaderView::Stretch);
    m_savedView->setToolTip(tr("Saved filters are aggregated as their own dimension: queries with them are "
                               "as fast as unfiltered ones."));
    layout->addWidget(m_savedView);
    auto* buttons = new QHBoxLayout();
    auto* use = compactButton(tr("Apply"), box);
    auto* save = compactButton(tr("Save…"), box);
    save->setToolTip(tr("Save the current filter under a name"));
    auto* drop = compactButton(tr("Delete"), box);
    buttons->addWidget(use);
    buttons->addWidget(save);
    buttons->addWidget(drop);
    layout->addLayout(buttons);
    m_savedActive = new QLabel(box);
    m_savedActive->setWordWrap(true);
    layout->addWidget(m_savedActive);
    connect(use, &QPushButton::clicked, this, &FilterPanel::applySelectedSaved);
    connect(m_savedView, &QTableView::doubleClicked, this, &FilterPanel::applySelectedSaved);
    connect(save, &QPushButton::clicked, this, &FilterPanel::saveCurrent);
    connect(drop, &QPushButton::clicked, this, &FilterPanel::dropSelected);
    return box;
}

void FilterPanel::setSnapshot(const SnapshotPtr& snapshot)
{
    m_countries->setSnapshot(snapshot);
    m_saved->setSnapshot(snapshot);
    if (!snapshot) return;
    if (snapshot->errorIsFilter) {
        m_error->setText(snapshot->error);
        m_error->show();
    } else if (snapshot->error.isEmpty()) {
        m_error->hide();
    }
    m_active->setText(snapshot->filterCanonical.empty()
            ? tr("Showing all clicks")
            : tr("Filter: %1").arg(QString::fromStdString(snapshot->filterCanonical)));
}

void FilterPanel::setFilter(const FilterState& filter)
{
    m_filter = filter;
    m_countries->setCheckedCountries(filter.countries);
    m_ip->setText(filter.ip);
    m_userId->setText(filter.userId);
    m_savedActive->setText(filter.saved.isEmpty() ? QString() : tr("Applied: @%1").arg(filter.saved));
    m_error->hide();
}

void FilterPanel::applyFields()
{
    const QString ip = m_ip->text().trimmed();
    if (!ip.isEmpty() && !isIpOrNetwork(ip)) {
        m_error->setText(tr("'%1' is not an IP address or network (like 10.1.0.0/16)").arg(ip));
        m_error->show();
        return;
    }
    m_error->hide();
    m_filter.ip = ip;
    m_filter.userId = m_userId->text();
    emitFilter();
}

void FilterPanel::emitFilter()
{
    m_savedActive->setText(m_filter.saved.isEmpty() ? QString() : tr("Applied: @%1").arg(m_filter.saved));
    emit filterChanged(m_filter);
}

QString FilterPanel::selectedSavedName() const
{
    const QModelIndexList rows = m_savedView->selectionModel()->selectedRows();
    if (rows.isEmpty()) return {};
    return m_saved->data(rows.front(), SavedFiltersModel::NameRole).toString();
}

void FilterPanel::applySelectedSaved()
{
    const QString name = selectedSavedName();
    if (name.isEmpty()) return;
    m_filter.saved = name;
    emitFilter();
}

void FilterPanel::saveCurrent()
{
    FilterState current = m_filter;
    current.saved.clear();
    const QString expression = current.expression();
    if (expression.isEmpty()) {
        m_error->setText(tr("Set a filter (countries, IP or user) before saving it"));
        m_error->show();
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save filter"),
        tr("Name for the filter\n%1").arg(expression), QLineEdit::Normal, QString(), &ok)
                             .trimmed();
    if (ok && !name.isEmpty()) emit saveRequested(name, expression);
}

void FilterPanel::dropSelected()
{
    const QString name = selectedSavedName();
    if (name.isEmpty()) return;
    if (m_filter.saved == name) {
        m_filter.saved.clear();
        emitFilter();
    }
    emit dropRequested(name);
}

} // namespace adclick::ui
