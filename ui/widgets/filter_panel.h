#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace adclick::ui {

class CountryModel;
class SavedFiltersModel;

//! Countries as a checklist with their counts, ip (exact or CIDR), user_id, and the database's
//! saved filters (apply, save the current filter under a name, delete). Emits the filter as a
//! value; it never queries anything itself.
class FilterPanel : public QWidget {
    Q_OBJECT
public:
    explicit FilterPanel(QWidget* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    FilterState filter() const { return m_filter; }
    void setFilter(const FilterState& filter);

    CountryModel* countryModel() const { return m_countries; }
    SavedFiltersModel* savedFiltersModel() const { return m_saved; }
    QTableView* countryView() const { return m_countryView; }

signals:
    void filterChanged(const adclick::ui::FilterState& filter);
    void saveRequested(const QString& name, const QString& expression);
    void dropRequested(const QString& name);

private:
    QWidget* createCountryBox();
    QWidget* createFieldBox();
    QWidget* createSavedBox();
    void applyFields();
    void emitFilter();
    void applySelectedSaved();
    void saveCurrent();
    void dropSelected();
    QString selectedSavedName() const;

    FilterState m_filter;
    CountryModel* m_countries = nullptr;
    QSortFilterProxyModel* m_countryProxy = nullptr;
    SavedFiltersModel* m_saved = nullptr;
    QTableView* m_countryView = nullptr;
    QTableView* m_savedView = nullptr;
    QLineEdit* m_ip = nullptr;
    QLineEdit* m_userId = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_active = nullptr;
    QLabel* m_savedActive = nullptr;
};

} // namespace adclick::ui
