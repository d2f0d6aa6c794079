#include "ui/widgets/events_panel.h"

#include "ui/dashboard/job_tracker.h"
#include "ui/models/rejects_model.h"
#include "ui/models/source_context.h"
#include "ui/models/status_text.h"
#include "ui/models/unusual_events_model.h"
#include "ui/widgets/source_line_dialog.h"
#include "ui/widgets/table_view.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace adclick::ui {

namespace {

enum Tabs { RejectsTab, UnusualTab };

QString unusualHint()
{
    return EventsPanel::tr(
        "Late and duplicate events of the chart's range (per-minute counts are on the total chart).");
}

//! Rows holding a text (in any column's display, case-insensitive) and, when a group is chosen,
//! whose group column shows exactly that value.
class SearchProxy : public QSortFilterProxyModel {
public:
    SearchProxy(int groupColumn, QObject* parent)
        : QSortFilterProxyModel(parent)
        , m_groupColumn(groupColumn)
    { }
    void setSearch(const QString& text)
    {
        m_text = text.trimmed();
        invalidateRowsFilter();
    }
    void setGroup(const QString& group)
    {
        m_group = group;
        invalidateRowsFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const QAbstractItemModel* m = sourceModel();
        if (!m_group.isEmpty() && m->index(row, m_groupColumn, parent).data().toString() != m_group)
            return false;
        if (m_text.isEmpty()) return true;
        for (int c = 0; c < m->columnCount(parent); ++c)
            if (m->index(row, c, parent)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(m_text, Qt::CaseInsensitive)
                || m->index(row, c, parent).data().toString().contains(m_text, Qt::CaseInsensitive))
                return true;
        return false;
    }

private:
    int m_groupColumn;
    QString m_text, m_group;
};

QLineEdit* makeSearch(const QString& name, QWidget* parent)
{
    auto* e = new QLineEdit(parent);
    e->setObjectName(name);
    e->setPlaceholderText(EventsPanel::tr("Search…"));
    e->setClearButtonEnabled(true);
    e->setToolTip(EventsPanel::tr("Shows the rows holding this text in any column"));
    return e;
}

} // namespace

EventsPanel::EventsPanel(QWidget* parent)
    : QTabWidget(parent)
    , m_sourceJob(new JobTracker(&m_pool, this))
    , m_rejects(new RejectsModel(this))
    , m_unusual(new UnusualEventsModel(this))
{
    m_pool.setMaxThreadCount(1);
    addTab(createRejectsTab(), tr("Rejected lines"));
    addTab(createUnusualTab(), tr("Late and duplicates"));
}

EventsPanel::~EventsPanel()
{
    m_pool.waitForDone(); // a source read answers through m_sourceJob
}

QWidget* EventsPanel::createRejectsTab()
{
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout();
    auto* search = makeSearch(QStringLiteral("rejectsSearch"), box);
    m_reason = new QComboBox(box);
    m_reason->setObjectName(QStringLiteral("rejectsReason"));
    m_reason->setToolTip(tr("Show the samples of one reason (counts: every rejected line)"));
    m_reason->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_reason->addItem(tr("All reasons"), QString());
    m_rejectsShown = new QLabel(box);
    m_rejectsShown->setObjectName(QStringLiteral("rejectsShown"));
    bar->addWidget(search, 1);
    bar->addWidget(m_reason);
    bar->addWidget(m_rejectsShown);
    layout->addLayout(bar);
    auto* proxy = new SearchProxy(RejectsModel::ReasonColumn, box);
    m_rejectsProxy = proxy;
    proxy->setSourceModel(m_rejects);
    proxy->setSortRole(RejectsModel::SortRole);
    m_rejectsView = makeTableView(box, proxy);
    m_rejectsView->setObjectName(QStringLiteral("rejectsView"));
    m_rejectsView->setSortingEnabled(true);
    m_rejectsView->sortByColumn(-1, Qt::AscendingOrder);
    m_rejectsView->horizontalHeader()->setStretchLastSection(true);
    m_rejectsView->horizontalHeader()->resizeSection(RejectsModel::SourceColumn, 260);
    layout->addWidget(m_rejectsView, 1);
    addTableActions(m_rejectsView, true);
    connect(search, &QLineEdit::textChanged, this, [this, proxy](const QString& t) {
        proxy->setSearch(t);
        updateShownCount();
    });
    connect(m_reason, &QComboBox::currentIndexChanged, this, [this, proxy] {
        proxy->setGroup(m_reason->currentData().toString());
        updateShownCount();
    });
    connect(m_rejects, &QAbstractItemModel::rowsInserted, this, &EventsPanel::updateShownCount);
    connect(m_rejects, &QAbstractItemModel::rowsRemoved, this, &EventsPanel::updateShownCount);
    return box;
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
    auto* search = makeSearch(QStringLiteral("unusualSearch"), box);
    auto* verdict = new QComboBox(box);
    verdict->setObjectName(QStringLiteral("unusualVerdict"));
    verdict->addItem(tr("All verdicts"), QString());
    for (const core::RawStatus s : { core::RawStatus::Duplicate, core::RawStatus::LateDropped,
             core::RawStatus::LateApplied, core::RawStatus::BeyondHorizon })
        verdict->addItem(UnusualEventsModel::statusName(s), UnusualEventsModel::statusName(s));
    bar->addWidget(load);
    bar->addWidget(m_unusualLabel, 1);
    bar->addWidget(search);
    bar->addWidget(verdict);
    layout->addLayout(bar);
    auto* proxy = new SearchProxy(UnusualEventsModel::StatusColumn, box);
    m_unusualProxy = proxy;
    proxy->setSourceModel(m_unusual);
    proxy->setSortRole(UnusualEventsModel::SortRole);
    m_unusualView = makeTableView(box, proxy);
    m_unusualView->setObjectName(QStringLiteral("unusualView"));
    m_unusualView->setSortingEnabled(true);
    m_unusualView->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_unusualView, 1);
    addTableActions(m_unusualView, false);
    connect(load, &QPushButton::clicked, this, &EventsPanel::loadRequested);
    connect(search, &QLineEdit::textChanged, proxy, &SearchProxy::setSearch);
    connect(verdict, &QComboBox::currentIndexChanged, proxy,
        [proxy, verdict] { proxy->setGroup(verdict->currentData().toString()); });
    return box;
}

void EventsPanel::addTableActions(QTableView* view, bool rejects)
{
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* copy = new QAction(rejects ? tr("Copy line") : tr("Copy row"), view);
    copy->setObjectName(QStringLiteral("copyAction"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view->addAction(copy);
    connect(copy, &QAction::triggered, this, &EventsPanel::copySelection);
    if (!rejects) return;
    auto* open = new QAction(tr("Open source at line…"), view);
    open->setObjectName(QStringLiteral("openSourceAction"));
    view->addAction(open);
    connect(open, &QAction::triggered, this, [this] {
        if (const QModelIndex i = m_rejectsView->currentIndex(); i.isValid()) openSourceAt(i.row());
    });
}

void EventsPanel::copySelection()
{
    const bool rejects = currentIndex() == RejectsTab;
    QTableView* view = rejects ? m_rejectsView : m_unusualView;
    QModelIndexList rows = view->selectionModel()->selectedRows();
    if (rows.isEmpty() && view->currentIndex().isValid()) rows << view->currentIndex();
    std::sort(rows.begin(), rows.end(),
        [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex& i : rows) {
        if (rejects) {
            lines << i.data(RejectsModel::RawLineRole).toString();
            continue;
        }
        QStringList cells;
        for (int c = 0; c < view->model()->columnCount(); ++c)
            cells << view->model()->index(i.row(), c).data().toString();
        lines << cells.join(QLatin1Char('\t'));
    }
    if (!lines.isEmpty()) QGuiApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

SourceLineDialog* EventsPanel::openSourceAt(int row)
{
    const QModelIndex i = m_rejectsProxy->index(row, RejectsModel::ReasonColumn);
    if (!i.isValid()) return nullptr;
    const QString source = i.data(RejectsModel::SourceRole).toString();
    const int64_t offset = i.data(RejectsModel::OffsetRole).toLongLong();
    auto* dialog = new SourceLineDialog(
        source, offset, i.data().toString(), i.data(RejectsModel::RawLineRole).toString(), this);
    dialog->open();
    m_sourceJob->start([source, offset] { return readSourceContext(source, offset); },
        [d = QPointer(dialog)](const SourceContext& context) {
            if (d) d->setContext(context);
        });
    return dialog;
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
    if (snapshot->error.isEmpty()) updateReasonCombo(c);
}

void EventsPanel::updateReasonCombo(const core::Counters& counters)
{
    // One entry per reason with its count of every rejected line; the choice is kept by name.
    const QLocale l;
    const QString current = m_reason->currentData().toString();
    const auto reasons = RejectsModel::reasonCounts(counters);
    QStringList texts { tr("All reasons (%1)").arg(l.toString(qlonglong(counters.rejected))) };
    QStringList names { QString() };
    for (const auto& [name, count] : reasons) {
        texts << QStringLiteral("%1 (%2)").arg(name, l.toString(qlonglong(count)));
        names << name;
    }
    if (!current.isEmpty() && !names.contains(current)) { // a chosen reason stays until a source switch
        texts << QStringLiteral("%1 (0)").arg(current);
        names << current;
    }
    bool same = m_reason->count() == texts.size();
    for (int i = 0; same && i < texts.size(); ++i)
        same = m_reason->itemText(i) == texts[i] && m_reason->itemData(i).toString() == names[i];
    if (same) return;
    const QSignalBlocker block(m_reason);
    m_reason->clear();
    for (qsizetype i = 0; i < texts.size(); ++i)
        m_reason->addItem(texts[i], names[i]);
    m_reason->setCurrentIndex(std::max<int>(0, int(names.indexOf(current))));
}

void EventsPanel::updateShownCount()
{
    const int shown = m_rejectsProxy->rowCount(), all = m_rejects->rowCount();
    m_rejectsShown->setText(
        shown == all ? tr("%n sample(s)", nullptr, all) : tr("%1 of %n sample(s)", nullptr, all).arg(shown));
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
    m_reason->setCurrentIndex(0); // a reason chosen for the old source's lines
}

} // namespace adclick::ui
