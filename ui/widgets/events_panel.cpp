#include "ui/widgets/events_panel.h"

#include "ui/models/rejects_model.h"
#include "ui/models/status_text.h"
#include "ui/models/unusual_events_model.h"
#include "ui/widgets/table_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace adclick::ui {

namespace {

enum Tabs { RejectsTab, UnusualTab };

QString unusualHint()
{
    return EventsPanel::tr(
        "Late and duplicate events of the chart's range (per-minute counts are on the total chart).");
}

} // namespace

EventsPanel::EventsPanel(QWidget* parent)
    : QTabWidget(parent)
    , m_rejects(new RejectsModel(this))
    , m_unusual(new UnusualEventsModel(this))
{
    addTab(createRejectsTab(), tr("Rejected lines"));
    addTab(createUnusualTab(), tr("Late and duplicates"));
}

QWidget* EventsPanel::createRejectsTab()
{
    auto* view = makeTableView(this);
    view->setObjectName(QStringLiteral("rejectsView"));
    auto* proxy = new QSortFilterProxyModel(view);
    proxy->setSourceModel(m_rejects);
    proxy->setSortRole(RejectsModel::SortRole);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(-1, Qt::AscendingOrder);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->resizeSection(RejectsModel::SourceColumn, 260);
    return view;
}

QWidget* EventsPanel::createUnusualTab()
{
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout();
    auto* load = new QPushButton(tr("Load"), box);
    load->setObjectName(QStringLiteral("loadUnusual"));
    load->setToolTip(tr("Read the newest 1000 late and duplicate events of the chart's range from the raw "
                        "events"));
    m_unusualLabel = new QLabel(unusualHint(), box);
    m_unusualLabel->setObjectName(QStringLiteral("unusualLabel"));
    bar->addWidget(load);
    bar->addWidget(m_unusualLabel, 1);
    layout->addLayout(bar);
    auto* proxy = new QSortFilterProxyModel(box);
    proxy->setSourceModel(m_unusual);
    proxy->setSortRole(UnusualEventsModel::SortRole);
    auto* view = makeTableView(box, proxy);
    view->setObjectName(QStringLiteral("unusualView"));
    view->setSortingEnabled(true);
    view->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(view, 1);
    connect(load, &QPushButton::clicked, this, &EventsPanel::loadRequested);
    return box;
}

void EventsPanel::setSnapshot(const SnapshotPtr& snapshot)
{
    m_rejects->setSnapshot(snapshot);
    if (!snapshot) return;
    const core::Counters& c = snapshot->counters;
    const QLocale l;
    setTabText(RejectsTab, tr("Rejected lines (%1)").arg(l.toString(qlonglong(c.rejected))));
    setTabText(UnusualTab,
        tr("Late (%1) and duplicates (%2)")
            .arg(l.toString(qlonglong(c.late)), l.toString(qlonglong(c.duplicates))));
}

void EventsPanel::setUtc(bool utc)
{
    m_utc = utc;
    m_unusual->setUtc(utc);
}

void EventsPanel::setLoading()
{
    m_unusualLabel->setText(tr("Reading the raw events…"));
}

void EventsPanel::showUnusualEvents(const UnusualEventsResult& result)
{
    m_unusualLabel->setText(unusualEventsSummary(result, m_utc));
    if (result.error.isEmpty()) m_unusual->setEvents(result.events);
}

void EventsPanel::clearUnusualEvents()
{
    m_unusual->setEvents({});
    m_unusualLabel->setText(unusualHint());
}

} // namespace adclick::ui
