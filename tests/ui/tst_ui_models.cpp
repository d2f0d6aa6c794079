// The item models fed by snapshots: QAbstractItemModelTester on every model and proxy while
// snapshots insert, update, reorder and remove rows; updates in place keep the selection.
#include "ui/models/country_model.h"
#include "ui/dashboard/dashboard_types.h"
#include "ui/models/partition_lag_model.h"
#include "ui/models/rejects_model.h"
#include "ui/models/saved_filters_model.h"
#include "ui/models/top_n_model.h"
#include "ui/models/unusual_events_model.h"

#include "core/pipeline/filter_expr.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
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
    }
};

QTEST_GUILESS_MAIN(TestUiModels)
#include "tst_ui_models.moc"
