// The item models fed by snapshots: QAbstractItemModelTester on every model and proxy while
// snapshots insert, update, reorder and remove rows; updates in place keep the selection. The
// chart series and the dashboard's sentences made from snapshots.
#include "ui/dashboard/dashboard_types.h"
#include "ui/models/chart_series.h"
#include "ui/models/country_model.h"
#include "ui/models/partition_lag_model.h"
#include "ui/models/rejects_model.h"
#include "ui/models/saved_filters_model.h"
#include "ui/models/status_text.h"
#include "ui/models/time_format.h"
#include "ui/models/top_n_model.h"
#include "ui/models/unusual_events_model.h"

#include "core/pipeline/filter_expr.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QLocale>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <set>

using namespace adclick;
using namespace adclick::ui;

namespace {

std::vector<TopRow> topRows(const std::vector<std::pair<std::string, int64_t>>& ads)
{
    std::vector<TopRow> rows;
    int rank = 0;
    for (const auto& [ad, clicks] : ads)
        rows.push_back({ ad, clicks, clicks / 2, 0.1, ++rank, 1.0, false });
    return rows;
}

QStringList proxyColumn(const QAbstractItemModel& m, int column)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, column).data().toString();
    return out;
}

//! The horizontal header's titles.
QStringList titles(const QAbstractItemModel& m)
{
    QStringList out;
    for (int c = 0; c < m.columnCount(); ++c)
        out << m.headerData(c, Qt::Horizontal).toString();
    return out;
}

//! Each column's Qt::TextAlignmentRole in row 0 (-1 where there is none).
QList<int> alignments(const QAbstractItemModel& m)
{
    QList<int> out;
    for (int c = 0; c < m.columnCount(); ++c) {
        const QVariant v = m.index(0, c).data(Qt::TextAlignmentRole);
        out << (v.isValid() ? v.toInt() : -1);
    }
    return out;
}

//! The dataChanged() signals recorded by `spy`, as "row:firstColumn-lastColumn" (one row) or
//! "row:column-row:column"; the spy is cleared.
QStringList changes(QSignalSpy& spy)
{
    QStringList out;
    for (const QList<QVariant>& args : spy) {
        const auto from = args.at(0).value<QModelIndex>(), to = args.at(1).value<QModelIndex>();
        out << (from.row() == to.row()
                ? QStringLiteral("%1:%2-%3").arg(from.row()).arg(from.column()).arg(to.column())
                : QStringLiteral("%1:%2-%3:%4")
                      .arg(from.row())
                      .arg(from.column())
                      .arg(to.row())
                      .arg(to.column()));
    }
    spy.clear();
    return out;
}

constexpr int kLeft = int(Qt::AlignLeft | Qt::AlignVCenter);
constexpr int kRight = int(Qt::AlignRight | Qt::AlignVCenter);
constexpr int kCenter = int(Qt::AlignHCenter | Qt::AlignVCenter);

} // namespace

class TestUiModels : public QObject {
    Q_OBJECT

private slots:
    void topNTesterRandomSnapshots()
    {
        TopNModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TopNModel::SortRole);
        proxy.setDynamicSortFilter(true);
        proxy.sort(TopNModel::ClicksColumn, Qt::DescendingOrder);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QRandomGenerator rng(42);
        for (int round = 0; round < 200; ++round) {
            std::vector<std::pair<std::string, int64_t>> ads;
            const int n = int(rng.bounded(0, 15));
            std::set<int> ids;
            while (int(ids.size()) < n)
                ids.insert(int(rng.bounded(0, 25)));
            for (int id : ids)
                ads.emplace_back("ad" + std::to_string(id), int64_t(rng.bounded(1, 1000)));
            std::sort(ads.begin(), ads.end(), [](auto& a, auto& b) { return a.second > b.second; });
            model.setRows(topRows(ads));
            QCOMPARE(model.rowCount(), n);
            // Through the proxy the rows are in clicks order.
            for (int r = 1; r < proxy.rowCount(); ++r)
                QVERIFY(proxy.index(r - 1, TopNModel::ClicksColumn).data(TopNModel::SortRole).toLongLong()
                    >= proxy.index(r, TopNModel::ClicksColumn).data(TopNModel::SortRole).toLongLong());
        }
    }

    void topNUpdatesInPlaceAndKeepsSelection()
    {
        TopNModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TopNModel::SortRole);
        proxy.setDynamicSortFilter(true);
        proxy.sort(TopNModel::RankColumn, Qt::AscendingOrder);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QItemSelectionModel selection(&proxy);

        model.setRows(topRows({ { "a", 50 }, { "b", 40 }, { "c", 30 } }));
        QCOMPARE(proxyColumn(proxy, TopNModel::AdColumn), QStringList({ "a", "b", "c" }));
        selection.select(proxy.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // b overtakes a; c is unchanged.
        model.setRows(topRows({ { "b", 60 }, { "a", 55 }, { "c", 30 } }));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(changed.count(), 2); // rows of a and b, not c
        QCOMPARE(proxyColumn(proxy, TopNModel::AdColumn), QStringList({ "b", "a", "c" }));
        // The selection followed ad b to its new place.
        const QModelIndexList sel = selection.selectedRows(TopNModel::AdColumn);
        QCOMPARE(sel.size(), 1);
        QCOMPARE(sel.front().data(TopNModel::AdIdRole).toString(), QStringLiteral("b"));

        // c leaves, d enters: one removal, one insertion; b is still selected.
        model.setRows(topRows({ { "b", 70 }, { "d", 65 }, { "a", 60 } }));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(proxyColumn(proxy, TopNModel::AdColumn), QStringList({ "b", "d", "a" }));
        QCOMPARE(selection.selectedRows(TopNModel::AdColumn).front().data(TopNModel::AdIdRole).toString(),
            QStringLiteral("b"));
        model.setRows({});
        QCOMPARE(proxy.rowCount(), 0);
    }

    void topNCells()
    {
        TopNModel model;
        TopRow r { "ad7", 120, 100, 0.25, 1, 0.2, false };
        model.setRows({ r });
        QCOMPARE(model.index(0, TopNModel::ClicksColumn).data(TopNModel::SortRole).toLongLong(), 120);
        QCOMPARE(model.index(0, TopNModel::ShareColumn).data(TopNModel::SortRole).toDouble(), 0.25);
        QCOMPARE(model.index(0, TopNModel::ChangeColumn).data(TopNModel::ChangeRole).toDouble(), 0.2);
        QCOMPARE(TopNModel::changeText(r), QStringLiteral("+20 (+20.0%)"));
        QCOMPARE(TopNModel::changeText({ "a", 120, 0, 0, 1, 0, false }), QStringLiteral("new"));
        QVERIFY(TopNModel::changeText({ "a", 80, 100, 0, 1, -0.2, false }).contains(QStringLiteral("20")));
        // A partial window (with the open minute) compares rates.
        QCOMPARE(TopNModel::changeText({ "a", 80, 100, 0, 1, 0.05, true }), QStringLiteral("+5.0% rate"));
        // Large rises as a factor, so the column stays narrow.
        QCOMPARE(TopNModel::changeText({ "a", 12530, 22, 0, 1, 568.545, false }),
            QStringLiteral("+%1 (\u00d7570)").arg(QLocale().toString(12508)));
        QCOMPARE(
            TopNModel::changeText({ "a", 80, 100, 0, 1, 28.127, true }), QStringLiteral("\u00d729 rate"));
        QCOMPARE(TopNModel::changeText({ "a", 100, 10, 0, 1, 9.0, false }), QStringLiteral("+90 (+900.0%)"));
    }

    void countryChecklist()
    {
        CountryModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(CountryModel::SortRole);
        proxy.setDynamicSortFilter(true);
        proxy.sort(CountryModel::ClicksColumn, Qt::DescendingOrder);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCounts({ { "US", 10 }, { "KR", 5 }, { "JP", 1 } });
        QCOMPARE(proxyColumn(proxy, CountryModel::CountryColumn), QStringList({ "US", "KR", "JP" }));
        QSignalSpy checked(&model, &CountryModel::checkedChanged);
        QVERIFY(proxy.setData(proxy.index(1, 0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(checked.count(), 1);
        QCOMPARE(model.checkedCountries(), QStringList({ "KR" }));
        // A checked country stays listed (with 0) when the counts no longer have it.
        model.setCounts({ { "US", 12 }, { "DE", 3 } });
        QCOMPARE(model.rowCount(), 3);
        QStringList names = proxyColumn(proxy, CountryModel::CountryColumn);
        QCOMPARE(names, QStringList({ "US", "DE", "KR" }));
        QCOMPARE(proxy.index(2, 0).data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Checked);
        model.setCheckedCountries({});
        model.setCounts({});
        QCOMPARE(model.rowCount(), 0);
    }

    void partitionLag()
    {
        PartitionLagModel model;
        QAbstractItemModelTester t(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        core::KafkaHealth h;
        h.source = "kafka://b/clicks";
        for (int p = 0; p < 4; ++p)
            h.partitions.push_back({ p, 100 + p, 110 + p, 10, 500, 1'700'000'000'000, p == 3 });
        model.setHealth({ h });
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(
            model.index(2, PartitionLagModel::LagColumn).data(PartitionLagModel::SortRole).toLongLong(), 10);
        h.partitions.pop_back();
        h.partitions[0].lagMessages = 0;
        model.setHealth({ h });
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, PartitionLagModel::LagColumn).data().toString(), QStringLiteral("0"));
        model.setHealth({});
        QCOMPARE(model.rowCount(), 0);
    }

    void rejectsAndSavedFilters()
    {
        RejectsModel rejects;
        QAbstractItemModelTester t1(&rejects, QAbstractItemModelTester::FailureReportingMode::QtTest);
        rejects.setRejects(
            { { "a.log", 10, "bad_ip", "x,y" }, { "a.log", 99, "binary_bytes", std::string("a\x01z") } });
        QCOMPARE(rejects.rowCount(), 2);
        QCOMPARE(rejects.index(1, RejectsModel::LineColumn).data().toString(), QStringLiteral("a\u2401z"));
        rejects.setRejects({ { "a.log", 10, "bad_ip", "x,y" }, { "a.log", 99, "binary_bytes", "q" },
            { "b.log", 5, "missing_field", "" } });
        QCOMPARE(rejects.rowCount(), 3);

        SavedFiltersModel saved;
        QAbstractItemModelTester t2(&saved, QAbstractItemModelTester::FailureReportingMode::QtTest);
        saved.setFilters({ { 1, "us", "country=US", "ready", 0 }, { 2, "vip", "user_id=u1", "pending", 0 } });
        QCOMPARE(saved.rowCount(), 2);
        saved.setFilters({ { 2, "vip", "user_id=u1", "ready", 0 } });
        QCOMPARE(saved.rowCount(), 1);
        QCOMPARE(saved.index(0, SavedFiltersModel::StateColumn).data().toString(), QStringLiteral("ready"));
        QCOMPARE(saved.index(0, 0).data(SavedFiltersModel::NameRole).toString(), QStringLiteral("vip"));

        UnusualEventsModel unusual;
        QAbstractItemModelTester t3(&unusual, QAbstractItemModelTester::FailureReportingMode::QtTest);
        unusual.setEvents({ { core::RawStatus::Duplicate, 60'000, "ad1", "US", "u1", "1.2.3.4", "" },
            { core::RawStatus::LateDropped, 0, "ad2", "KR", "u2", "::1", "c1" } });
        QCOMPARE(unusual.rowCount(), 2);
        QCOMPARE(unusual.index(0, UnusualEventsModel::StatusColumn).data().toString(),
            QStringLiteral("duplicate"));
        unusual.setUtc(false);
        unusual.setEvents({});
        QCOMPARE(unusual.rowCount(), 0);
    }

    void headersAndAlignments()
    {
        TopNModel top;
        top.setRows(topRows({ { "a", 5 } }));
        QCOMPARE(titles(top), QStringList({ "Rank", "Ad", "Clicks", "Share", "Change" }));
        QCOMPARE(alignments(top), QList<int>({ kRight, kLeft, kRight, kRight, kRight }));
        // The alignment is a plain number (the flags' unsigned int), as views read it.
        QCOMPARE(top.index(0, 0).data(Qt::TextAlignmentRole).typeId(), QMetaType::UInt);

        PartitionLagModel lag;
        core::KafkaHealth h;
        h.source = "kafka://b/clicks";
        h.partitions.push_back({ 0, 100, 110, 10, 500, 1'700'000'000'000, false });
        lag.setHealth({ h });
        QCOMPARE(titles(lag),
            QStringList({ "Partition", "Lag", "Lag (time)", "Position", "End", "Newest", "Idle" }));
        QCOMPARE(alignments(lag), QList<int>({ kRight, kRight, kRight, kRight, kRight, kRight, kCenter }));

        RejectsModel rejects;
        rejects.setRejects({ { "a.log", 10, "bad_ip", "x,y" }, { "a.log", 11, "bad_ip", "x" } });
        QCOMPARE(titles(rejects), QStringList({ "Source", "Position", "Reason", "Line" }));
        QCOMPARE(alignments(rejects), QList<int>({ kLeft, kRight, kLeft, kLeft }));
        // The rejects number their rows; the other models have no vertical header.
        QCOMPARE(rejects.headerData(1, Qt::Vertical), QVariant(2));
        QVERIFY(!rejects.headerData(0, Qt::Horizontal, Qt::ToolTipRole).isValid());
        QVERIFY(!rejects.headerData(0, Qt::Vertical, Qt::ToolTipRole).isValid());

        SavedFiltersModel saved;
        saved.setFilters({ { 1, "us", "country=US", "ready", 0 } });
        QCOMPARE(titles(saved), QStringList({ "Name", "Expression", "State" }));
        QCOMPARE(alignments(saved), QList<int>({ -1, -1, -1 }));
        QVERIFY(!saved.headerData(0, Qt::Vertical).isValid());

        CountryModel countries;
        countries.setCounts({ { "US", 10 } });
        QCOMPARE(titles(countries), QStringList({ "Country", "Clicks" }));
        QCOMPARE(alignments(countries), QList<int>({ kLeft, kRight }));

        UnusualEventsModel unusual;
        unusual.setEvents({ { core::RawStatus::Duplicate, 60'000, "ad1", "US", "u1", "1.2.3.4", "c1" } });
        QCOMPARE(titles(unusual),
            QStringList({ "Verdict", "Event time (UTC)", "Ad", "Country", "User", "IP", "Click id" }));
        QCOMPARE(alignments(unusual), QList<int>({ -1, -1, -1, -1, -1, -1, -1 }));
        QVERIFY(!unusual.headerData(0, Qt::Horizontal, Qt::ToolTipRole).isValid());
    }

    void cellValuesByRoleOfTopNAndPartitions()
    {
        const QLocale l;
        TopNModel top;
        top.setRows({ { "ad7", 1200, 1000, 0.25, 1, 0.2, false }, { "ad8", 5, 0, 0.5, 2, 0, false } });
        QCOMPARE(top.index(0, TopNModel::RankColumn).data(), QVariant(1));
        QCOMPARE(top.index(0, TopNModel::ClicksColumn).data(), QVariant(l.toString(1200)));
        QCOMPARE(top.index(0, TopNModel::ShareColumn).data(), QVariant(l.toString(25.0, 'f', 1) + "%"));
        QCOMPARE(
            top.index(0, TopNModel::AdColumn).data(TopNModel::SortRole), QVariant(QStringLiteral("ad7")));
        QCOMPARE(top.index(0, TopNModel::ChangeColumn).data(Qt::ToolTipRole).toString(),
            QStringLiteral("1200 clicks now, 1000 in the window before"));
        QVERIFY(!top.index(0, TopNModel::ClicksColumn).data(Qt::ToolTipRole).isValid());
        // The ad id and the change belong to the row: every column answers them.
        QCOMPARE(
            top.index(0, TopNModel::ShareColumn).data(TopNModel::AdIdRole), QVariant(QStringLiteral("ad7")));
        QCOMPARE(top.index(0, TopNModel::RankColumn).data(TopNModel::ChangeRole), QVariant(0.2));
        QCOMPARE(top.index(1, TopNModel::ChangeColumn).data().toString(), QStringLiteral("new"));
        QVERIFY(qIsInf(top.index(1, TopNModel::ChangeColumn).data(TopNModel::SortRole).toDouble()));
        QVERIFY(qIsInf(top.index(1, TopNModel::AdColumn).data(TopNModel::ChangeRole).toDouble()));
        QVERIFY(!top.index(0, 0).data(Qt::EditRole).isValid());

        PartitionLagModel lag;
        core::KafkaHealth a, b;
        a.source = "kafka://b/a";
        b.source = "kafka://b/b";
        a.partitions.push_back({ 2, 1500, -1, 0, 61'000, core::kNoTime, true });
        b.partitions.push_back({ 0, 100, 110, 10, 0, 1'700'000'000'000, false });
        lag.setHealth({ a, b });
        QCOMPARE(lag.index(0, PartitionLagModel::PartitionColumn).data().toString(),
            QStringLiteral("kafka://b/a #2"));
        QCOMPARE(
            lag.index(0, PartitionLagModel::PartitionColumn).data(PartitionLagModel::SortRole), QVariant(2));
        QCOMPARE(lag.index(0, PartitionLagModel::PositionColumn).data(), QVariant(l.toString(1500)));
        QCOMPARE(lag.index(0, PartitionLagModel::HighWatermarkColumn).data().toString(), QStringLiteral("?"));
        QCOMPARE(lag.index(0, PartitionLagModel::HighWatermarkColumn).data(PartitionLagModel::SortRole),
            QVariant(qlonglong(-1)));
        QCOMPARE(lag.index(0, PartitionLagModel::LagTimeColumn).data().toString(), formatDuration(61'000));
        QCOMPARE(lag.index(0, PartitionLagModel::NewestEventColumn).data().toString(), QStringLiteral("—"));
        QCOMPARE(lag.index(1, PartitionLagModel::NewestEventColumn).data().toString(),
            formatTime(1'700'000'000'000, true));
        QCOMPARE(lag.index(0, PartitionLagModel::IdleColumn).data().toString(), QStringLiteral("idle"));
        QCOMPARE(lag.index(1, PartitionLagModel::IdleColumn).data().toString(), QString());
        QCOMPARE(
            lag.index(0, PartitionLagModel::IdleColumn).data(PartitionLagModel::SortRole), QVariant(true));
        // One tooltip for the whole row.
        for (int c = 0; c < lag.columnCount(); ++c)
            QCOMPARE(lag.index(1, c).data(Qt::ToolTipRole).toString(),
                QStringLiteral("kafka://b/b, partition 0: next offset 100 of 110, 10 messages behind"));
        lag.setUtc(false);
        QCOMPARE(lag.index(1, PartitionLagModel::NewestEventColumn).data().toString(),
            formatTime(1'700'000'000'000, false));
    }

    void cellValuesByRoleOfTheOtherModels()
    {
        const QLocale l;
        RejectsModel rejects;
        rejects.setRejects({ { "a.log", 12345, "bad_ip", std::string(400, 'q') } });
        QCOMPARE(rejects.index(0, RejectsModel::OffsetColumn).data(), QVariant(l.toString(12345)));
        QCOMPARE(rejects.index(0, RejectsModel::OffsetColumn).data(RejectsModel::SortRole),
            QVariant(qlonglong(12345)));
        // Long lines are cut for display only.
        QCOMPARE(rejects.index(0, RejectsModel::LineColumn).data().toString(), QString(300, 'q') + "…");
        QCOMPARE(
            rejects.index(0, RejectsModel::LineColumn).data(Qt::ToolTipRole).toString(), QString(400, 'q'));
        QCOMPARE(rejects.index(0, RejectsModel::LineColumn).data(RejectsModel::SortRole).toString(),
            QString(400, 'q'));
        QCOMPARE(rejects.index(0, RejectsModel::ReasonColumn).data(Qt::ToolTipRole),
            QVariant(QStringLiteral("bad_ip")));

        SavedFiltersModel saved;
        saved.setFilters({ { 1, "us", "country=US", "ready", 0 } });
        QCOMPARE(saved.index(0, SavedFiltersModel::ExpressionColumn).data(Qt::ToolTipRole),
            QVariant(QStringLiteral("country=US")));
        QCOMPARE(saved.index(0, SavedFiltersModel::StateColumn).data(SavedFiltersModel::NameRole),
            QVariant(QStringLiteral("us")));

        CountryModel countries;
        countries.setCounts({ { "US", 1000 } });
        QCOMPARE(countries.index(0, CountryModel::ClicksColumn).data(), QVariant(l.toString(1000)));
        QCOMPARE(countries.index(0, CountryModel::ClicksColumn).data(CountryModel::SortRole),
            QVariant(qlonglong(1000)));
        QCOMPARE(countries.index(0, CountryModel::CountryColumn).data(CountryModel::SortRole),
            QVariant(QStringLiteral("US")));
        QCOMPARE(countries.index(0, CountryModel::CountryColumn).data(Qt::CheckStateRole),
            QVariant(int(Qt::Unchecked)));
        QVERIFY(!countries.index(0, CountryModel::ClicksColumn).data(Qt::CheckStateRole).isValid());
        QVERIFY(countries.flags(countries.index(0, CountryModel::CountryColumn)) & Qt::ItemIsUserCheckable);
        QVERIFY(!(countries.flags(countries.index(0, CountryModel::ClicksColumn)) & Qt::ItemIsUserCheckable));

        UnusualEventsModel unusual;
        unusual.setEvents({ { core::RawStatus::LateApplied, 60'000, "ad1", "US", "u1", "1.2.3.4", "c1" } });
        QCOMPARE(unusual.index(0, UnusualEventsModel::StatusColumn).data(UnusualEventsModel::SortRole),
            QVariant(QStringLiteral("late (applied)")));
        QCOMPARE(unusual.index(0, UnusualEventsModel::TimeColumn).data(), QVariant(formatTime(60'000, true)));
        QCOMPARE(unusual.index(0, UnusualEventsModel::TimeColumn).data(UnusualEventsModel::SortRole),
            QVariant(qlonglong(60'000)));
        QCOMPARE(unusual.index(0, UnusualEventsModel::ClickIdColumn).data(UnusualEventsModel::SortRole),
            QVariant(QStringLiteral("c1")));
        QVERIFY(!unusual.index(0, UnusualEventsModel::IpColumn).data(Qt::ToolTipRole).isValid());
        unusual.setUtc(false);
        QCOMPARE(
            unusual.index(0, UnusualEventsModel::TimeColumn).data(), QVariant(formatTime(60'000, false)));
    }

    // A snapshot signals only the cells whose values changed; an unchanged row signals nothing.
    void inPlaceUpdatesSignalOnlyChangedCells()
    {
        TopNModel top;
        QSignalSpy topChanged(&top, &QAbstractItemModel::dataChanged);
        std::vector<TopRow> rows { { "a", 50, 40, 0.5, 1, 0.25, false }, { "b", 30, 30, 0.3, 2, 0, false } };
        top.setRows(rows);
        top.setRows(rows);
        QCOMPARE(changes(topChanged), QStringList());
        rows[0].clicks = 60; // the clicks and the change text
        rows[1].share = 0.2;
        top.setRows(rows);
        QCOMPARE(changes(topChanged), QStringList({ "0:2-4", "1:3-3" }));
        rows[1].rank = 3;
        rows[0].byRate = true;
        top.setRows(rows);
        QCOMPARE(changes(topChanged), QStringList({ "0:4-4", "1:0-0" }));

        PartitionLagModel lag;
        QSignalSpy lagChanged(&lag, &QAbstractItemModel::dataChanged);
        core::KafkaHealth h;
        h.source = "kafka://b/clicks";
        h.partitions = { { 0, 100, 110, 10, 500, 1'000, false }, { 1, 100, 110, 10, 500, 1'000, false } };
        lag.setHealth({ h });
        lag.setHealth({ h });
        QCOMPARE(changes(lagChanged), QStringList());
        h.partitions[1].lagMessages = 3;
        lag.setHealth({ h });
        QCOMPARE(changes(lagChanged), QStringList({ "1:1-1" }));
        h.partitions[0].maxEventMs = 2'000;
        h.partitions[0].position = 105;
        lag.setHealth({ h });
        QCOMPARE(changes(lagChanged), QStringList({ "0:3-5" }));
        lag.setUtc(false);
        lag.setUtc(false);
        QCOMPARE(changes(lagChanged), QStringList({ "0:5-1:5" }));

        RejectsModel rejects;
        QSignalSpy rejectsChanged(&rejects, &QAbstractItemModel::dataChanged);
        std::vector<core::RejectedLine> lines { { "a.log", 10, "bad_ip", "x,y" },
            { "a.log", 99, "bad_ip", "z" } };
        rejects.setRejects(lines);
        rejects.setRejects(lines);
        QCOMPARE(changes(rejectsChanged), QStringList());
        lines[0].reason = "missing_field";
        lines[1].line = "zz";
        rejects.setRejects(lines);
        QCOMPARE(changes(rejectsChanged), QStringList({ "0:2-2", "1:3-3" }));

        SavedFiltersModel saved;
        QSignalSpy savedChanged(&saved, &QAbstractItemModel::dataChanged);
        std::vector<core::SavedFilterInfo> filters { { 1, "us", "country=US", "pending", 0 } };
        saved.setFilters(filters);
        filters[0].createdMs = 5; // not shown
        saved.setFilters(filters);
        QCOMPARE(changes(savedChanged), QStringList());
        filters[0].state = "ready";
        saved.setFilters(filters);
        QCOMPARE(changes(savedChanged), QStringList({ "0:2-2" }));

        CountryModel countries;
        QSignalSpy countriesChanged(&countries, &QAbstractItemModel::dataChanged);
        countries.setCounts({ { "US", 10 }, { "KR", 5 } });
        countries.setCounts({ { "US", 10 }, { "KR", 6 } });
        QCOMPARE(changes(countriesChanged), QStringList({ "1:1-1" }));
        countries.setCheckedCountries({ "KR" });
        QCOMPARE(countriesChanged.count(), 1);
        QCOMPARE(countriesChanged.at(0).at(2).value<QList<int>>(), QList<int>({ Qt::CheckStateRole }));
        QCOMPARE(changes(countriesChanged), QStringList({ "0:0-1:0" }));

        // The late and duplicate events are read anew each time: a reset, no diff.
        UnusualEventsModel unusual;
        QSignalSpy unusualReset(&unusual, &QAbstractItemModel::modelReset);
        QSignalSpy unusualChanged(&unusual, &QAbstractItemModel::dataChanged);
        const std::vector<UnusualEvent> events { { core::RawStatus::Duplicate, 0, "ad1", "US", "u1", "::1",
            "" } };
        unusual.setEvents(events);
        unusual.setEvents(events);
        QCOMPARE(unusualReset.count(), 2);
        unusual.setUtc(false);
        QCOMPARE(changes(unusualChanged), QStringList({ "0:1-1" }));
    }

    void chartSeriesFromASnapshot()
    {
        DashboardSnapshot s;
        s.firstMinute = 100;
        s.endMinute = 103;
        s.params.selectedAds = { "a", "b" };
        s.adSeries = { { "a", { 1, 0, 3 } }, { "b", { 0, 2, 0 } } };
        s.total = { "total", { 5, 6, 7 } };
        // minute_stats has rows only for minutes with events, some outside the chart.
        s.minuteStats = { { 99, 1, 9, 9 }, { 100, 4, 1, 2 }, { 102, 5, 0, 3 }, { 103, 1, 7, 7 } };

        const ChartData ads = ChartSeriesBuilder::adChart(s);
        QCOMPARE(ads.firstMinute, 100);
        QCOMPARE(ads.endMinute, 103);
        QVERIFY(ads.placeholder.isEmpty());
        QCOMPARE(ads.lines.size(), std::size_t(2));
        QCOMPARE(ads.lines[0].name, QStringLiteral("a"));
        QVERIFY(!ads.lines[0].rgb); // the theme's colours
        const QList<QPointF> a { { 100 * 60'000.0, 1 }, { 101 * 60'000.0, 0 }, { 102 * 60'000.0, 3 } };
        QCOMPARE(ads.lines[0].points, a);
        QCOMPARE(ads.lines[1].points.at(1), QPointF(101 * 60'000.0, 2));

        const ChartData total = ChartSeriesBuilder::totalChart(s);
        QCOMPARE(total.lines.size(), std::size_t(1));
        QCOMPARE(total.lines[0].name, QObject::tr("all clicks"));
        QCOMPARE(total.lines[0].rgb, std::optional<uint32_t>(ChartSeriesBuilder::kTotalRgb));
        QCOMPARE(total.lines[0].points.at(2), QPointF(102 * 60'000.0, 7));

        const ChartData quality = ChartSeriesBuilder::qualityChart(s);
        QCOMPARE(quality.lines.size(), std::size_t(2));
        QCOMPARE(quality.lines[0].name, QObject::tr("late"));
        QCOMPARE(quality.lines[1].name, QObject::tr("duplicates"));
        QList<qreal> late, dups;
        for (const QPointF& p : quality.lines[0].points)
            late << p.y();
        for (const QPointF& p : quality.lines[1].points)
            dups << p.y();
        QCOMPARE(late, QList<qreal>({ 2, 0, 3 }));
        QCOMPARE(dups, QList<qreal>({ 1, 0, 0 }));

        // Nothing selected, nothing yet.
        s.params.selectedAds.clear();
        s.adSeries.clear();
        QCOMPARE(
            ChartSeriesBuilder::adChart(s).placeholder, QObject::tr("Select ads in the table to chart them"));
        DashboardSnapshot empty;
        empty.noData = true;
        for (const ChartData& d : { ChartSeriesBuilder::adChart(empty), ChartSeriesBuilder::totalChart(empty),
                 ChartSeriesBuilder::qualityChart(empty) }) {
            QVERIFY(d.lines.empty());
            QCOMPARE(d.placeholder, QObject::tr("No source yet"));
        }
    }

    void statusTexts()
    {
        IngestStatus st;
        QCOMPARE(ingestStateText(st, false, false),
            QObject::tr("No source: open a log, drop files here, or connect to Kafka"));
        QCOMPARE(ingestStateText(st, false, true), QObject::tr("No ingest running"));
        st.source = QStringLiteral("clicks.csv");
        st.state = IngestStatus::State::Cancelled;
        QCOMPARE(ingestStateText(st, true, true), QStringLiteral("Source paused: clicks.csv"));
        QCOMPARE(ingestStateText(st, false, true), QStringLiteral("Stopped: clicks.csv"));
        st.state = IngestStatus::State::Running;
        st.live = true;
        QCOMPARE(ingestStateText(st, false, true), QStringLiteral("Live: clicks.csv"));
        QVERIFY(ingestRateText(st).isEmpty());
        st.hasProgress = true;
        st.progress.runLines = 1'500'000;
        st.linesPerSecond = 950;
        QCOMPARE(ingestRateText(st), QStringLiteral("%1 lines · 950 lines/s").arg(formatCount(1.5e6)));
        // A paused source reads nothing: no stale rate, only what was read before the pause.
        st.state = IngestStatus::State::Cancelled;
        QCOMPARE(ingestRateText(st, true),
            QStringLiteral("%1 lines read before the pause").arg(formatCount(1.5e6)));
        QCOMPARE(ingestRateText(st, false), QStringLiteral("%1 lines · 950 lines/s").arg(formatCount(1.5e6)));

        DashboardSnapshot s;
        s.noData = true;
        QCOMPARE(windowSummary(s, true),
            QObject::tr("No source yet: open a log, drop files here, or connect to Kafka (File menu), or "
                        "start the demo."));
        // A source without clicks says why, never "Waiting for data…" once nothing more comes.
        s.databasePath = QStringLiteral("x.db");
        QCOMPARE(windowSummary(s, true),
            QObject::tr("This database holds no clicks: open a log, drop files here, or connect to Kafka to "
                        "read into a database."));
        s.ingest.state = IngestStatus::State::Running;
        s.ingest.live = true;
        QCOMPARE(windowSummary(s, true), QObject::tr("Waiting for data…"));
        s.ingest.state = IngestStatus::State::Cancelled;
        QCOMPARE(windowSummary(s, true), QObject::tr("Stopped before any click was counted."));
        s.ingest.state = IngestStatus::State::Finished;
        s.ingest.notices << QStringLiteral("'e.log' is empty: nothing to count");
        s.ingest.databaseRemoved = true;
        QCOMPARE(windowSummary(s, true),
            QStringLiteral(
                "No clicks. 'e.log' is empty: nothing to count. Nothing was kept: the database made "
                "for it held no click and was removed."));
        s.databasePath.clear();
        s.ingest = IngestStatus();
        s.noData = false;
        s.params.windowMinutes = 5;
        s.atMs = 10 * 60'000;
        s.windowTotal = 12;
        s.previousTotal = 10;
        QCOMPARE(windowSummary(s, true),
            QStringLiteral("1970-01-01 00:05 UTC – 1970-01-01 00:10 UTC: 12 clicks (window before: 10)"));
        // Clicks after the newest final minute: not in the window, and the summary says why.
        s.maxEventMs = 11 * 60'000 + 5'000;
        s.watermarkMs = 10 * 60'000 + 5'000;
        QCOMPARE(windowSummary(s, true),
            QStringLiteral(
                "1970-01-01 00:05 UTC – 1970-01-01 00:10 UTC: 12 clicks (window before: 10) · clicks "
                "up to 1970-01-01 00:11:05 UTC wait for later minutes to be final (watermark "
                "1970-01-01 00:10:05 UTC)"));
        s.maxEventMs = 10 * 60'000 - 1; // all in final minutes: nothing to add
        QCOMPARE(windowSummary(s, true),
            QStringLiteral("1970-01-01 00:05 UTC – 1970-01-01 00:10 UTC: 12 clicks (window before: 10)"));

        UnusualEventsResult r { QStringLiteral("x.db"), 0, 60'000, {}, {} };
        r.events.resize(2);
        QCOMPARE(unusualEventsSummary(r, true),
            QStringLiteral(
                "2 late or duplicate event(s) between 1970-01-01 00:00 UTC and 1970-01-01 00:01 UTC "
                "(the newest 1000)"));
        r.error = QStringLiteral("gone");
        QCOMPARE(unusualEventsSummary(r, true), QStringLiteral("Cannot read the raw events: gone"));

        FilterActionOutcome o { FilterActionOutcome::Action::Save, QStringLiteral("asia"), {}, false };
        QCOMPARE(
            filterActionText(o), QStringLiteral("Saved filter 'asia'; the running ingest back-fills it"));
        o.backfilled = true;
        QCOMPARE(filterActionText(o), QStringLiteral("Saved filter 'asia'"));
        o.action = FilterActionOutcome::Action::Drop;
        o.error = QStringLiteral("locked");
        QCOMPARE(filterActionText(o), QStringLiteral("Cannot delete filter 'asia': locked"));
    }

    void filterExpressionsParse()
    {
        FilterState f;
        QVERIFY(f.expression().isEmpty());
        f.countries = { "US", "KR" };
        f.ip = "10.1.0.0/16";
        f.userId = "user \"x\"";
        f.saved = "vip";
        const QString e = f.expression();
        QCOMPARE(e,
            QStringLiteral(
                "@vip and country in (KR,US) and ip=\"10.1.0.0/16\" and user_id=\"user \"\"x\"\"\""));
        auto parsed = core::parseFilter(e.toStdString());
        QVERIFY2(parsed, parsed.message().c_str());
        QCOMPARE(parsed->savedRefs().size(), std::size_t(1));
        QCOMPARE(parsed->conditions().size(), std::size_t(3));
        QCOMPARE(f.expression(false),
            QStringLiteral("@vip and ip=\"10.1.0.0/16\" and user_id=\"user \"\"x\"\"\""));
        // What the IP field takes.
        QVERIFY(isIpOrNetwork(QStringLiteral("10.1.0.0/16")));
        QVERIFY(isIpOrNetwork(QStringLiteral("::1")));
        QVERIFY(!isIpOrNetwork(QStringLiteral("10.1.0")));
    }
};

QTEST_GUILESS_MAIN(TestUiModels)
#include "tst_ui_models.moc"
