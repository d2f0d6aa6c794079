#include "ui/widgets/top_n_panel.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/models/status_text.h"
#include "ui/models/top_n_model.h"
#include "ui/widgets/table_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace adclick::ui {

namespace {

constexpr int kMaxSelectedAds = 12;
constexpr std::size_t kFollowedAds = 3;

//! Colours the change column: green for growth, red for decline.
class ChangeDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const double change = index.data(TopNModel::ChangeRole).toDouble();
        if (change >= 0.0005)
            option->palette.setColor(QPalette::Text, QColor(0x1e, 0x84, 0x49));
        else if (change <= -0.0005)
            option->palette.setColor(QPalette::Text, QColor(0xc0, 0x39, 0x2b));
    }
};

} // namespace

TopNPanel::TopNPanel(DashboardController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new TopNModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(createControls());
    m_windowLabel = new QLabel(this);
    m_windowLabel->setObjectName(QStringLiteral("windowLabel"));
    m_windowLabel->setWordWrap(true);
    m_windowLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(m_windowLabel);
    createTable();
    layout->addWidget(m_view, 1);
    setMinimumWidth(300);
}

QLayout* TopNPanel::createControls()
{
    auto* controls = new QHBoxLayout();
    m_topN = new QSpinBox(this);
    m_topN->setObjectName(QStringLiteral("topNSpin"));
    m_topN->setRange(1, 1000);
    m_topN->setValue(m_controller->params().topN);
    m_window = new QSpinBox(this);
    m_window->setObjectName(QStringLiteral("windowSpin"));
    m_window->setRange(1, 7 * 24 * 60);
    m_window->setSuffix(tr(" min"));
    m_window->setValue(m_controller->params().windowMinutes);
    controls->addWidget(new QLabel(tr("Top"), this));
    controls->addWidget(m_topN);
    controls->addWidget(new QLabel(tr("ads over"), this));
    controls->addWidget(m_window);
    controls->addStretch();
    connect(m_topN, &QSpinBox::valueChanged, m_controller, &DashboardController::setTopN);
    connect(m_window, &QSpinBox::valueChanged, m_controller, &DashboardController::setWindowMinutes);
    return controls;
}

void TopNPanel::createTable()
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(TopNModel::SortRole);
    m_proxy->setDynamicSortFilter(true);
    m_view = makeTableView(this, m_proxy);
    m_view->setObjectName(QStringLiteral("topNView"));
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TopNModel::RankColumn, Qt::AscendingOrder);
    m_view->verticalHeader()->hide();
    m_view->setItemDelegateForColumn(TopNModel::ChangeColumn, new ChangeDelegate(m_view));
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(TopNModel::AdColumn, QHeaderView::Stretch);
    m_view->setToolTip(tr("Select ads (Ctrl/Shift for several) to chart their clicks per minute"));
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &TopNPanel::onSelectionChanged);
}

void TopNPanel::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    m_model->setSnapshot(snapshot);
    if (!snapshot) return;
    followTopAds(*snapshot);
    syncSelection();
    m_windowLabel->setText(windowSummary(*snapshot, m_utc));
}

void TopNPanel::followTopAds(const DashboardSnapshot& s)
{
    // Until the user picks ads, the charts follow the top three.
    if (!m_followTopAds || s.top.empty() || !s.error.isEmpty()) return;
    std::vector<std::string> top;
    for (std::size_t i = 0; i < s.top.size() && i < kFollowedAds; ++i)
        top.push_back(s.top[i].adId);
    std::sort(top.begin(), top.end());
    if (top != m_chartedAds) setChartedAds(std::move(top));
}

void TopNPanel::setUtc(bool utc)
{
    m_utc = utc;
    if (m_snapshot) m_windowLabel->setText(windowSummary(*m_snapshot, m_utc));
}

void TopNPanel::resetForSource()
{
    m_followTopAds = true;
    m_chartedAds.clear();
    clearSelectionQuietly();
}

void TopNPanel::clearChartedAds()
{
    clearSelectionQuietly();
    m_followTopAds = false;
    setChartedAds({});
}

void TopNPanel::chartAd(const QString& adId)
{
    const std::string ad = adId.toStdString();
    if (ad.empty() || std::find(m_chartedAds.begin(), m_chartedAds.end(), ad) != m_chartedAds.end()) return;
    m_followTopAds = false;
    std::vector<std::string> ads = m_chartedAds;
    if (int(ads.size()) >= kMaxSelectedAds) ads.erase(ads.begin()); // the cap keeps the new one
    ads.push_back(ad);
    setChartedAds(std::move(ads));
    syncSelection();
}

void TopNPanel::clearSelectionQuietly()
{
    m_syncingSelection = true;
    m_view->clearSelection();
    m_syncingSelection = false;
}

void TopNPanel::onSelectionChanged(const QItemSelection& /*selected*/, const QItemSelection& deselected)
{
    // Rows leave the table when their ad leaves the top-N: that is not the user's choice, and
    // the ad stays charted.
    if (m_syncingSelection || m_model->updating()) return;
    m_followTopAds = false;
    std::set<std::string> next;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows(TopNModel::AdColumn))
        next.insert(i.data(TopNModel::AdIdRole).toString().toStdString());
    // Extending the selection (nothing deselected) keeps the charted ads that are out of the table.
    if (deselected.isEmpty())
        for (const std::string& ad : m_chartedAds)
            if (m_model->rowOfKey(ad) < 0) next.insert(ad);
    setChartedAds(std::vector<std::string>(next.begin(), next.end()));
}

void TopNPanel::setChartedAds(std::vector<std::string> ads)
{
    std::sort(ads.begin(), ads.end());
    if (int(ads.size()) > kMaxSelectedAds) ads.resize(kMaxSelectedAds);
    m_chartedAds = std::move(ads);
    m_controller->setSelectedAds(m_chartedAds);
}

void TopNPanel::syncSelection()
{
    std::set<int> want, have;
    for (const std::string& ad : m_chartedAds)
        if (const int row = m_model->rowOfKey(ad); row >= 0)
            want.insert(m_proxy->mapFromSource(m_model->index(row, 0)).row());
    QItemSelectionModel* sel = m_view->selectionModel();
    for (const QModelIndex& i : sel->selectedRows())
        have.insert(i.row());
    if (want == have) return;
    QItemSelection rows;
    for (const int r : want)
        rows.select(m_proxy->index(r, 0), m_proxy->index(r, m_proxy->columnCount() - 1));
    m_syncingSelection = true;
    sel->select(rows, QItemSelectionModel::ClearAndSelect);
    m_syncingSelection = false;
}

void TopNPanel::loadSettings(const QSettings& s)
{
    m_topN->setValue(s.value(QStringLiteral("view/topN"), 10).toInt());
    m_window->setValue(s.value(QStringLiteral("view/windowMinutes"), 5).toInt());
}

void TopNPanel::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("view/topN"), m_topN->value());
    s.setValue(QStringLiteral("view/windowMinutes"), m_window->value());
}

} // namespace adclick::ui
