#include "ui/widgets/filter_panel.h"

#include "ui/models/country_model.h"
#include "ui/models/saved_filters_model.h"

#include "core/pipeline/filter_expr.h"

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

QTableView* makeTable(QWidget* parent)
{
    auto* v = new QTableView(parent);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->verticalHeader()->hide();
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
    v->horizontalHeader()->setHighlightSections(false);
    v->setAlternatingRowColors(true);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    return v;
}

} // namespace

FilterPanel::FilterPanel(QWidget* parent)
    : QWidget(parent)
    , m_countries(new CountryModel(this))
    , m_countryProxy(new QSortFilterProxyModel(this))
    , m_saved(new SavedFiltersModel(this))
{
    auto* layout = new QVBoxLayout(this);

    auto* countryBox = new QGroupBox(tr("Countries"), this);
    auto* countryLayout = new QVBoxLayout(countryBox);
    m_countryProxy->setSourceModel(m_countries);
    m_countryProxy->setSortRole(CountryModel::SortRole);
    m_countryProxy->setDynamicSortFilter(true);
    m_countryView = makeTable(countryBox);
    m_countryView->setObjectName(QStringLiteral("countryView"));
    m_countryView->setModel(m_countryProxy);
    m_countryView->setSortingEnabled(true);
    m_countryView->sortByColumn(CountryModel::ClicksColumn, Qt::DescendingOrder);
    m_countryView->horizontalHeader()->setSectionResizeMode(
        CountryModel::CountryColumn, QHeaderView::Stretch);
    m_countryView->setToolTip(tr("Clicks per country over the top-N window (without the country filter). "
                                 "Check countries to show only them; none checked means all."));
    countryLayout->addWidget(m_countryView);
    auto* countryButtons = new QHBoxLayout();
    auto* none = new QPushButton(tr("All countries"), countryBox);
    none->setToolTip(tr("Uncheck every country: no country filter"));
    countryButtons->addWidget(none);
    countryButtons->addStretch();
    countryLayout->addLayout(countryButtons);
    layout->addWidget(countryBox, 3);
    connect(none, &QPushButton::clicked, this, [this] {
        m_countries->setCheckedCountries({});
        m_filter.countries.clear();
        emitFilter();
    });
    connect(m_countries, &CountryModel::checkedChanged, this, [this](const QStringList& c) {
        m_filter.countries = c;
        emitFilter();
    });

    auto* fieldBox = new QGroupBox(tr("IP and user"), this);
    auto* form = new QFormLayout(fieldBox);
    m_ip = new QLineEdit(fieldBox);
    m_ip->setObjectName(QStringLiteral("ipEdit"));
    m_ip->setPlaceholderText(tr("10.1.0.0/16 or 1.2.3.4"));
    m_ip->setClearButtonEnabled(true);
    m_userId = new QLineEdit(fieldBox);
    m_userId->setObjectName(QStringLiteral("userEdit"));
    m_userId->setPlaceholderText(tr("user id"));
    m_userId->setClearButtonEnabled(true);
    form->addRow(tr("IP"), m_ip);
    form->addRow(tr("user_id"), m_userId);
    auto* fieldButtons = new QHBoxLayout();
    auto* apply = new QPushButton(tr("Apply"), fieldBox);
    auto* clear = new QPushButton(tr("Clear all filters"), fieldBox);
    fieldButtons->addWidget(apply);
    fieldButtons->addWidget(clear);
    form->addRow(fieldButtons);
    m_error = new QLabel(fieldBox);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_error->hide();
    form->addRow(m_error);
    layout->addWidget(fieldBox);
    connect(apply, &QPushButton::clicked, this, &FilterPanel::applyFields);
    connect(m_ip, &QLineEdit::returnPressed, this, &FilterPanel::applyFields);
    connect(m_userId, &QLineEdit::returnPressed, this, &FilterPanel::applyFields);
    connect(clear, &QPushButton::clicked, this, [this] {
        setFilter(FilterState());
        emitFilter();
    });

    auto* savedBox = new QGroupBox(tr("Saved filters"), this);
    auto* savedLayout = new QVBoxLayout(savedBox);
    m_savedView = makeTable(savedBox);
    m_savedView->setObjectName(QStringLiteral("savedFiltersView"));
    m_savedView->setModel(m_saved);
    m_savedView->horizontalHeader()->setSectionResizeMode(
        SavedFiltersModel::ExpressionColumn, QHeaderView::Stretch);
    m_savedView->setToolTip(tr("Saved filters are aggregated as their own dimension: queries with them are "
                               "as fast as unfiltered ones."));
    savedLayout->addWidget(m_savedView);
    auto* savedButtons = new QHBoxLayout();
    auto* use = new QPushButton(tr("Apply"), savedBox);
    auto* save = new QPushButton(tr("Save current…"), savedBox);
    auto* drop = new QPushButton(tr("Delete"), savedBox);
    savedButtons->addWidget(use);
    savedButtons->addWidget(save);
    savedButtons->addWidget(drop);
    savedLayout->addLayout(savedButtons);
    m_savedActive = new QLabel(savedBox);
    m_savedActive->setWordWrap(true);
    savedLayout->addWidget(m_savedActive);
    layout->addWidget(savedBox, 2);
    connect(use, &QPushButton::clicked, this, &FilterPanel::applySelectedSaved);
    connect(m_savedView, &QTableView::doubleClicked, this, &FilterPanel::applySelectedSaved);
    connect(save, &QPushButton::clicked, this, &FilterPanel::saveCurrent);
    connect(drop, &QPushButton::clicked, this, &FilterPanel::dropSelected);

    m_active = new QLabel(this);
    m_active->setObjectName(QStringLiteral("activeFilter"));
    m_active->setWordWrap(true);
    m_active->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_active);
    setFilter(FilterState());
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
    if (!ip.isEmpty() && !core::IpNet::parse(ip.toStdString())) {
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
