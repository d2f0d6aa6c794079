// The click generator (adclick gen): deterministic output, counters that add up, every line
// parsed by the real LineParser exactly as the generator meant it, duplicates and late events
// that really are what docs/semantics.md says, gzip = plain, truth files that read back, CLI.
#include "core/input/line_parser.h"
#include "core/input/line_splitter.h"
#include "sim/click_generator.h"

#include "test_support.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace adclick::core;
using testsupport::Run;
using testsupport::runCli;

namespace {

struct Generated {
    std::string text;
    std::vector<GenLine> lines;
    GenReport report;
};

Generated generate(const GenOptions& o)
{
    Generated g;
    auto r = generateClicksToString(o, g.text, &g.lines);
    if (!r) {
        qWarning("generateClicksToString: %s", r.message().c_str());
        return g;
    }
    g.report = *r;
    return g;
}

//! Options with many of every kind of line, so a few thousand lines cover every case.
GenOptions busyOptions(LineFormat format, uint64_t seed)
{
    GenOptions o;
    o.format = format;
    o.seed = seed;
    o.events = 40'000;
    o.rate = 200; // 200 s of event time: many final panes
    o.dupRate = 0.05;
    o.lateRate = 0.04;
    o.malformedRate = 0.04;
    o.blankRate = 0.01;
    o.ads = 50;
    o.users = 500; // small, so identities would collide without care
    return o;
}

std::vector<std::string_view> splitLines(const std::string& text)
{
    std::vector<std::string_view> out;
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        if (nl == std::string_view::npos) {
            out.push_back(rest); // never happens: every line ends with '\n'
            break;
        }
        out.push_back(rest.substr(0, nl));
        rest.remove_prefix(nl + 1);
    }
    return out;
}

using Identity = std::tuple<std::string, std::string, int64_t, std::string, std::string>;

Identity identityOf(const ClickEvent& e)
{
    if (!e.clickId.empty()) return { std::string(e.clickId), "", 0, "", "" };
    return { "", std::string(e.adId), e.timeMs, std::string(e.userId), std::string(e.ip) };
}

//! Counts a parsed event line that sits exactly on a rule boundary (W and H as the engine sees
//! them before the line; keptMs: the time its identity is kept with, if it is).
void countBoundaryHit(
    std::map<std::string, int>& hits, GenClass cls, int64_t t, int64_t w, int64_t h, const int64_t* keptMs)
{
    const bool paneEnd = w % kMinuteMs == 0;
    if (paneEnd && cls == GenClass::Late && t == w - 1) ++hits["late at W-1, W a pane end"];
    if (paneEnd && cls == GenClass::Accepted && t == w) ++hits["accepted at W, W a pane end"];
    if (paneEnd && cls == GenClass::Accepted && t == w + 1) ++hits["accepted at W+1, W a pane end"];
    if (cls == GenClass::LateBeyondHorizon && t == w - h - 1) ++hits["late beyond the horizon at W-H-1"];
    if (cls == GenClass::Late && t == w - h) ++hits["late at W-H"];
    if (cls == GenClass::Late && t == w - h + 1) ++hits["late at W-H+1"];
    if (cls == GenClass::Duplicate && t == w - h) ++hits["duplicate at W-H"];
    if (keptMs && cls == GenClass::Duplicate && *keptMs == w - h && t != *keptMs)
        ++hits["duplicate of a key kept at W-H, moved"];
    if (keptMs && cls == GenClass::Accepted && *keptMs == w - h - 1)
        ++hits["counted anew: key expired at W-H-1"];
}

std::string gunzip(const QString& path)
{
    std::string out;
    gzFile f = gzopen(path.toLocal8Bit().constData(), "rb");
    if (!f) return "<cannot open>";
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0)
        out.append(buf, static_cast<std::size_t>(n));
    gzclose(f);
    return out;
}

std::string readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return "<cannot open>";
    return f.readAll().toStdString();
}

} // namespace

class TestClickGenerator : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void sameSeedSameBytes_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("book") << int(LineFormat::Book);
        QTest::newRow("csv") << int(LineFormat::Csv);
        QTest::newRow("jsonl") << int(LineFormat::Jsonl);
    }
    void sameSeedSameBytes()
    {
        QFETCH(int, format);
        GenOptions o = busyOptions(static_cast<LineFormat>(format), 7);
        o.events = 5000;
        const Generated a = generate(o), b = generate(o);
        QVERIFY(!a.text.empty());
        QVERIFY(a.text == b.text);
        QVERIFY(a.report.truth.panes == b.report.truth.panes);
        o.seed = 8;
        const Generated c = generate(o);
        QVERIFY(!c.text.empty());
        QVERIFY(a.text != c.text);
        // Truth off changes nothing in the log.
        o.seed = 7;
        o.truth = false;
        const Generated d = generate(o);
        QVERIFY(a.text == d.text);
        QVERIFY(!d.report.modelChecked);
        QCOMPARE(d.report.truth.counters, a.report.truth.counters);
    }

    void countersAddUp_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("update");
        QTest::addColumn<qint64>("horizon");
        QTest::newRow("book drop") << int(LineFormat::Book) << false << qint64(300'000);
        QTest::newRow("csv drop") << int(LineFormat::Csv) << false << qint64(300'000);
        QTest::newRow("jsonl drop") << int(LineFormat::Jsonl) << false << qint64(300'000);
        QTest::newRow("csv update") << int(LineFormat::Csv) << true << qint64(300'000);
        QTest::newRow("jsonl update, horizon 60 s") << int(LineFormat::Jsonl) << true << qint64(60'000);
        QTest::newRow("book update, horizon 120 s") << int(LineFormat::Book) << true << qint64(120'000);
    }
    void countersAddUp()
    {
        QFETCH(int, format);
        QFETCH(bool, update);
        QFETCH(qint64, horizon);
        GenOptions o = busyOptions(static_cast<LineFormat>(format), 3);
        o.lateUpdate = update;
        o.dedupHorizonMs = horizon;
        const Generated g = generate(o);
        QVERIFY(g.report.modelChecked);
        const ClickTruth& t = g.report.truth;
        const int64_t lines = t.counter("lines"), accepted = t.counter("accepted"),
                      dups = t.counter("duplicates"), late = t.counter("late"),
                      applied = t.counter("late_applied"), rejected = t.counter("rejected");
        QCOMPARE(lines, o.events);
        QCOMPARE(lines, accepted + dups + late + rejected);
        QVERIFY(accepted > 0 && dups > 0 && late > 0 && rejected > 0);
        int64_t byReason = 0;
        for (const auto& [name, n] : t.rejectedByReason)
            byReason += n;
        QCOMPARE(byReason, rejected);
        QCOMPARE(t.rejectedByReason.size(), kRejectReasonCount);

        int64_t clicks = 0, paneLate = 0;
        for (const auto& [key, cell] : t.panes) {
            QVERIFY(cell.first > 0 || cell.second > 0);
            clicks += cell.first;
            paneLate += cell.second;
        }
        QCOMPARE(clicks, accepted + applied);
        QCOMPARE(paneLate, late);

        // The per-line classes agree with the counters.
        std::map<GenClass, int64_t> byClass;
        for (const GenLine& l : g.lines)
            ++byClass[l.cls];
        QCOMPARE(byClass[GenClass::Accepted], accepted);
        QCOMPARE(byClass[GenClass::Duplicate], dups);
        QCOMPARE(byClass[GenClass::Late] + byClass[GenClass::LateBeyondHorizon], late);
        QCOMPARE(byClass[GenClass::Rejected], rejected);
        QCOMPARE(byClass[GenClass::Blank], g.report.blankLines);
        QCOMPARE(byClass[GenClass::Header], format == int(LineFormat::Csv) ? 1 : 0);
        QCOMPARE(applied, update ? byClass[GenClass::Late] : 0);
        if (horizon > 60'000 + 4000) QVERIFY(byClass[GenClass::Late] > 0);
        QVERIFY(byClass[GenClass::LateBeyondHorizon] > 0);
        QCOMPARE(t.counter("max_event_ms"), [&] {
            int64_t m = 0;
            for (const GenLine& l : g.lines)
                if (l.cls == GenClass::Accepted) m = std::max(m, l.timeMs);
            return m;
        }());
    }

    //! Every line through the real parser: its verdict is what the generator meant.
    void parserAgrees_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("autoDetect");
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<bool>("boundary");
        for (quint64 seed : { 1, 2, 3 }) {
            for (auto [name, f] : { std::pair { "book", LineFormat::Book },
                     std::pair { "csv", LineFormat::Csv }, std::pair { "jsonl", LineFormat::Jsonl } }) {
                QTest::addRow("%s seed %llu", name, static_cast<unsigned long long>(seed))
                    << int(f) << false << seed << false;
                QTest::addRow("%s seed %llu auto", name, static_cast<unsigned long long>(seed))
                    << int(f) << true << seed << false;
            }
        }
        QTest::addRow("csv boundary") << int(LineFormat::Csv) << false << quint64(4) << true;
        QTest::addRow("jsonl boundary auto") << int(LineFormat::Jsonl) << true << quint64(4) << true;
    }
    void parserAgrees()
    {
        QFETCH(int, format);
        QFETCH(bool, autoDetect);
        QFETCH(quint64, seed);
        QFETCH(bool, boundary);
        GenOptions o = busyOptions(static_cast<LineFormat>(format), seed);
        if (boundary) {
            o.boundary = true;
            o.rate = 50; // 800 s of event time: boundary probes of many minutes
        }
        const Generated g = generate(o);
        QVERIFY(g.report.modelChecked);
        const auto text = splitLines(g.text);
        QCOMPARE(text.size(), g.lines.size());

        LineParser parser(autoDetect ? LineFormat::Auto : o.format);
        std::map<RejectReason, int> seenReasons;
        std::vector<ClickEvent> events(g.lines.size());
        std::vector<std::string> owned; // events' views point into the parser; keep copies
        std::map<std::size_t, Identity> identities;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const GenLine& want = g.lines[i];
            ClickEvent e;
            const ParseOutcome got = parser.parse(text[i], e);
            const QByteArray where = QByteArray("line ") + QByteArray::number(qulonglong(i + 1)) + ": "
                + QByteArray::fromStdString(std::string(text[i].substr(0, 200)));
            switch (want.cls) {
            case GenClass::Header:
                QVERIFY2(got.kind == LineKind::Header, where.constData());
                break;
            case GenClass::Blank:
                QVERIFY2(got.kind == LineKind::Blank, where.constData());
                break;
            case GenClass::Rejected:
                QVERIFY2(got.kind == LineKind::Rejected, where.constData());
                QVERIFY2(got.reason == want.reason,
                    (where + " parsed as "
                        + QByteArray::fromStdString(std::string(rejectReasonName(got.reason))) + ", meant "
                        + QByteArray::fromStdString(std::string(rejectReasonName(want.reason))))
                        .constData());
                if (want.reason == RejectReason::LineTooLong)
                    QVERIFY(text[i].size() > kMaxLineBytes);
                else
                    QVERIFY(text[i].size() < 4096);
                ++seenReasons[got.reason];
                break;
            default:
                QVERIFY2(got.kind == LineKind::Event,
                    (where + " rejected as "
                        + QByteArray::fromStdString(std::string(rejectReasonName(got.reason))))
                        .constData());
                QCOMPARE(e.timeMs, want.timeMs);
                QCOMPARE(std::string(e.adId), want.adId);
                QCOMPARE(std::string(e.userId), want.userId);
                QCOMPARE(std::string(e.ip), want.ip);
                QCOMPARE(std::string(e.country), want.country);
                QCOMPARE(std::string(e.clickId), want.clickId);
                identities[i] = identityOf(e);
                if (want.cls == GenClass::Duplicate) {
                    // The same identity as the accepted line it repeats (boundary probes also
                    // repeat late lines, and clicks made a dedup horizon earlier).
                    QVERIFY(want.original >= 0 && std::size_t(want.original) < i);
                    const GenClass originalClass = g.lines[std::size_t(want.original)].cls;
                    QVERIFY(
                        originalClass == GenClass::Accepted || (boundary && originalClass == GenClass::Late));
                    QVERIFY(identities.count(std::size_t(want.original)));
                    QVERIFY(identities[std::size_t(want.original)] == identities[i]);
                    if (!boundary) QVERIFY(i - std::size_t(want.original) < 2000); // shortly after it
                }
            }
        }
        // Every reason the generator makes shows up.
        std::set<RejectReason> expected = { RejectReason::MissingField, RejectReason::BadTimestamp,
            RejectReason::BadIp, RejectReason::EmptyAdId, RejectReason::BadCountry, RejectReason::BinaryBytes,
            RejectReason::InvalidUtf8 };
        if (o.format == LineFormat::Jsonl) expected.insert(RejectReason::BadJson);
        for (RejectReason r : expected)
            QVERIFY2(seenReasons[r] > 0, std::string(rejectReasonName(r)).c_str());
        for (const auto& [r, n] : seenReasons)
            QVERIFY2(expected.count(r) || r == RejectReason::LineTooLong,
                std::string(rejectReasonName(r)).c_str());
    }

    //! docs/semantics.md checked line by line, from parsed lines only (not the generator's model):
    //! on-time lines are not late, late lines are behind the watermark, duplicates are within the
    //! horizon, and no two distinct events share an identity while it is kept.
    void classesFollowTheSemantics_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<qint64>("horizon");
        QTest::addColumn<double>("rate");
        QTest::addColumn<bool>("boundary");
        QTest::newRow("csv") << int(LineFormat::Csv) << qint64(300'000) << 200.0 << false;
        QTest::newRow("jsonl slow") << int(LineFormat::Jsonl) << qint64(300'000) << 2.0 << false;
        QTest::newRow("book fast, horizon 60 s")
            << int(LineFormat::Book) << qint64(60'000) << 20'000.0 << false;
        QTest::newRow("csv boundary") << int(LineFormat::Csv) << qint64(300'000) << 50.0 << true;
        QTest::newRow("jsonl boundary, horizon 60 s")
            << int(LineFormat::Jsonl) << qint64(60'000) << 50.0 << true;
        QTest::newRow("book boundary, slow") << int(LineFormat::Book) << qint64(300'000) << 2.0 << true;
    }
    void classesFollowTheSemantics()
    {
        QFETCH(int, format);
        QFETCH(qint64, horizon);
        QFETCH(double, rate);
        QFETCH(bool, boundary);
        GenOptions o = busyOptions(static_cast<LineFormat>(format), 5);
        o.dedupHorizonMs = horizon;
        o.rate = rate;
        o.boundary = boundary;
        // Boundary mode (issue 14): lines exactly on each rule's boundary, as seen in the parsed
        // lines (W a pane end for the finality ones).
        std::map<std::string, int> hits;
        const Generated g = generate(o);
        QVERIFY(g.report.modelChecked);
        const auto text = splitLines(g.text);
        QCOMPARE(text.size(), g.lines.size());
        LineParser parser(o.format);
        bool haveMax = false;
        int64_t maxMs = 0;
        std::map<Identity, int64_t> kept; // identity → time, of every accepted or late-in-horizon line
        for (std::size_t i = 0; i < text.size(); ++i) {
            const GenLine& want = g.lines[i];
            ClickEvent e;
            const ParseOutcome got = parser.parse(text[i], e); // every line: the CSV header sets the columns
            if (want.cls == GenClass::Header || want.cls == GenClass::Blank || want.cls == GenClass::Rejected)
                continue;
            QCOMPARE(int(got.kind), int(LineKind::Event));
            const int64_t w = maxMs - o.latenessMs;
            const bool final = haveMax && w >= (paneOf(e.timeMs) + 1) * kMinuteMs;
            const Identity id = identityOf(e);
            const auto k = kept.find(id);
            const bool keptInHorizon = k != kept.end() && (!haveMax || k->second >= w - horizon);
            if (haveMax)
                countBoundaryHit(hits, want.cls, e.timeMs, w, horizon, k == kept.end() ? 0 : &k->second);
            switch (want.cls) {
            case GenClass::Accepted:
                QVERIFY(!final);
                QVERIFY(!keptInHorizon);
                kept[id] = e.timeMs;
                break;
            case GenClass::Duplicate:
                QVERIFY(haveMax && e.timeMs >= w - horizon);
                QVERIFY(keptInHorizon);
                break;
            case GenClass::Late:
                QVERIFY(final);
                QVERIFY(e.timeMs >= w - horizon);
                QVERIFY(!keptInHorizon);
                kept[id] = e.timeMs;
                break;
            case GenClass::LateBeyondHorizon:
                QVERIFY(haveMax && e.timeMs < w - horizon);
                break;
            default:
                QFAIL("unexpected class");
            }
            if (!haveMax || e.timeMs > maxMs) maxMs = e.timeMs;
            haveMax = true;
        }
        for (const char* what :
            { "late at W-1, W a pane end", "accepted at W, W a pane end", "accepted at W+1, W a pane end",
                "late beyond the horizon at W-H-1", "late at W-H", "late at W-H+1", "duplicate at W-H",
                "duplicate of a key kept at W-H, moved", "counted anew: key expired at W-H-1" }) {
            const int n = hits[what];
            QVERIFY2(boundary ? n >= (rate < 10 ? 2 : 5) : n <= 2,
                qPrintable(QStringLiteral("%1: %2").arg(what).arg(n)));
        }
    }

    void variedOptionsStayConsistent_data()
    {
        QTest::addColumn<QString>("what");
        QTest::newRow("no click ids") << "clickids0";
        QTest::newRow("all click ids") << "clickids1";
        QTest::newRow("uniform, one user, one ad") << "tiny";
        QTest::newRow("in order, lateness 0") << "inorder";
        QTest::newRow("many countries") << "countries";
        QTest::newRow("only malformed") << "malformed";
        QTest::newRow("no events") << "empty";
        QTest::newRow("boundary probes, no click ids, lateness 1 s") << "boundary";
    }
    void variedOptionsStayConsistent()
    {
        QFETCH(QString, what);
        GenOptions o = busyOptions(LineFormat::Csv, 11);
        o.events = 20'000;
        if (what == "clickids0") o.clickIdFraction = 0;
        if (what == "clickids1") o.clickIdFraction = 1;
        if (what == "tiny") {
            o.zipf = 0;
            o.users = 1;
            o.ads = 1;
            o.countries = { "KR" };
            o.clickIdFraction = 0;
            o.rate = 5000; // several clicks per millisecond: identities must be made unique
        }
        if (what == "inorder") {
            o.latenessMs = 0;
            o.disorderMs = 0;
            o.format = LineFormat::Jsonl;
        }
        if (what == "countries") {
            o.countries = genCountryCodes(900);
            o.format = LineFormat::Book;
        }
        if (what == "malformed") {
            o.malformedRate = 1;
            o.dupRate = o.lateRate = 0;
        }
        if (what == "empty") o.events = 0;
        if (what == "boundary") {
            o.boundary = true;
            o.clickIdFraction = 0;
            o.latenessMs = o.disorderMs = 1000;
            o.dedupHorizonMs = 60'000;
            o.rate = 20;
        }
        const Generated g = generate(o);
        QVERIFY(g.report.modelChecked);
        const ClickTruth& t = g.report.truth;
        QCOMPARE(t.counter("lines"), o.events);
        QCOMPARE(t.counter("lines"),
            t.counter("accepted") + t.counter("duplicates") + t.counter("late") + t.counter("rejected"));
        LineParser parser(o.format);
        const auto text = splitLines(g.text);
        QCOMPARE(text.size(), g.lines.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            ClickEvent e;
            const ParseOutcome got = parser.parse(text[i], e);
            const GenLine& want = g.lines[i];
            if (want.cls == GenClass::Rejected)
                QVERIFY(got.kind == LineKind::Rejected && got.reason == want.reason);
            else if (want.cls != GenClass::Header && want.cls != GenClass::Blank)
                QVERIFY(got.kind == LineKind::Event && e.timeMs == want.timeMs && e.country == want.country);
        }
        if (what == "malformed")
            QCOMPARE(t.counter("rejected"), o.events - 1); // the first line is always an event
        if (what == "empty") {
            QCOMPARE(std::count(g.text.begin(), g.text.end(), '\n'), 1L); // the header only
            QCOMPARE(g.lines.size(), std::size_t(1));
            QCOMPARE(g.lines[0].cls, GenClass::Header);
            QVERIFY(!t.counters.count("max_event_ms"));
        }
    }

    void filesGzipAndTruthRoundTrip()
    {
        GenOptions o = busyOptions(LineFormat::Jsonl, 4);
        o.events = 20'000;
        o.out = path("rt.jsonl").toStdString();
        const auto plain = generateClicks(o);
        QVERIFY2(plain.isOk(), plain.message().c_str());
        QVERIFY(plain->modelChecked);
        QCOMPARE(plain->truthJsonPath, o.out + ".truth.json");

        // The same bytes as in memory.
        std::string mem;
        QVERIFY(generateClicksToString(o, mem).isOk());
        QVERIFY(readFile(path("rt.jsonl")) == mem);
        QCOMPARE(plain->bytes, mem.size());

        // Truth files read back to what was computed.
        const auto loaded = loadTruth(o.out);
        QVERIFY2(loaded.isOk(), loaded.message().c_str());
        QCOMPARE(loaded->counters, plain->truth.counters);
        QCOMPARE(loaded->rejectedByReason, plain->truth.rejectedByReason);
        QCOMPARE(loaded->settings, plain->truth.settings);
        QVERIFY(loaded->panes == plain->truth.panes);
        QCOMPARE(loaded->settings.at("late"), std::string("drop"));
        QCOMPARE(loaded->settings.at("lateness"), std::string("60"));

        // The JSON is what other tools read, too.
        QFile jf(path("rt.jsonl.truth.json"));
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(jf.readAll()).object();
        QCOMPARE(j["lines"].toInteger(), o.events);
        QCOMPARE(j["rejected_by_reason"].toObject()["bad_json"].toInteger(),
            plain->truth.rejectedByReason.at("bad_json"));
        QCOMPARE(j["settings"].toObject()["dedup_horizon"].toInteger(), 300);
        // The CSV is sorted by minute, ad_id, country.
        const std::string csv = readFile(path("rt.jsonl.truth.csv"));
        QVERIFY(csv.rfind("minute,ad_id,country,clicks,late\n", 0) == 0);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), long(plain->truth.panes.size() + 1));

        // gzip: the same bytes once decompressed, and the same truth.
        o.gzip = true;
        o.out = path("rt.jsonl.gz").toStdString();
        const auto gz = generateClicks(o);
        QVERIFY2(gz.isOk(), gz.message().c_str());
        QVERIFY(gunzip(path("rt.jsonl.gz")) == mem);
        QVERIFY(readFile(path("rt.jsonl.gz")).size() < mem.size() / 2);
        QVERIFY(readFile(path("rt.jsonl.gz.truth.csv")) == csv);

        // An explicit truth prefix; no truth at all.
        o.gzip = false;
        o.out = path("p.csv").toStdString();
        o.truthPrefix = path("elsewhere").toStdString();
        QVERIFY(generateClicks(o).isOk());
        QVERIFY(QFile::exists(path("elsewhere.truth.json")) && QFile::exists(path("elsewhere.truth.csv")));
        QVERIFY(!QFile::exists(path("p.csv.truth.json")));
        o.truth = false;
        o.out = path("nt.csv").toStdString();
        o.truthPrefix.clear();
        const auto nt = generateClicks(o);
        QVERIFY(nt.isOk() && !nt->modelChecked && nt->truthJsonPath.empty());
        QVERIFY(!QFile::exists(path("nt.csv.truth.json")));

        QVERIFY(!loadTruth(path("missing").toStdString()).isOk());
    }

    void invalidOptionsAreRefused()
    {
        auto bad = [](auto change) {
            GenOptions o;
            change(o);
            return !validateGenOptions(o).isOk();
        };
        QVERIFY(!bad([](GenOptions&) {}));
        QVERIFY(bad([](GenOptions& o) { o.disorderMs = 61'000; }));
        QVERIFY(bad([](GenOptions& o) { o.dedupHorizonMs = 59'000; }));
        QVERIFY(bad([](GenOptions& o) { o.events = -1; }));
        QVERIFY(bad([](GenOptions& o) { o.rate = 0; }));
        QVERIFY(bad([](GenOptions& o) { o.dupRate = 1.5; }));
        QVERIFY(bad([](GenOptions& o) { o.dupRate = 0.6, o.lateRate = 0.6; }));
        QVERIFY(bad([](GenOptions& o) { o.countries = { "U5" }; }));
        QVERIFY(bad([](GenOptions& o) { o.countries = { "US", "US" }; }));
        QVERIFY(bad([](GenOptions& o) { o.format = LineFormat::Auto; }));
        QVERIFY(bad([](GenOptions& o) { o.ads = 0; }));
        GenOptions o;
        o.out = "-"; // stdout without a truth prefix
        QVERIFY(!generateClicks(o).isOk());
        o.out = "/nonexistent-dir/x.csv";
        const auto r = generateClicks(o);
        QVERIFY(!r.isOk());
        QVERIFY(r.message().find("/nonexistent-dir/x.csv") != std::string::npos);
    }

    void cli()
    {
        const Run help = runCli({ "gen", "--help" });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("--dup-rate") && help.out.contains("--no-truth"));

        QVERIFY(runCli({ "gen", "--out", path("x.csv"), "--events", "12abc" }).exitCode != 0);
        QVERIFY(runCli({ "gen", "--out", path("x.csv"), "--format", "xml" }).exitCode != 0);
        QVERIFY(runCli({ "gen", "--out", path("x.csv"), "--bogus" }).exitCode != 0);
        QVERIFY(runCli({ "gen", "--events", "10" }).exitCode != 0);
        const Run unwritable = runCli({ "gen", "--out", "/nonexistent-dir/x.csv", "--events", "10" });
        QVERIFY(unwritable.exitCode != 0);
        QVERIFY(unwritable.err.contains("nonexistent-dir"));
        QVERIFY(runCli({ "gen", "--out", path("x.csv"), "--disorder-ms", "70000" }).exitCode != 0);

        const QString log = path("cli.log");
        const Run ok = runCli({ "gen", "--out", log, "--events", "30000", "--format", "book", "--seed", "9",
            "--countries", "us,kr,jp", "--late", "update", "--lateness", "30", "--disorder-ms", "5000" });
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        const QJsonObject s = QJsonDocument::fromJson(ok.out).object();
        QCOMPARE(s["lines"].toInteger(), 30000);
        QVERIFY(s["verified"].toBool());
        QVERIFY(s["late_applied"].toInteger() > 0);
        const auto t = loadTruth(log.toStdString());
        QVERIFY2(t.isOk(), t.message().c_str());
        QCOMPARE(t->counter("accepted"), s["accepted"].toInteger());
        QCOMPARE(t->settings.at("countries"), std::string("US,KR,JP"));
        QCOMPARE(t->settings.at("lateness"), std::string("30"));
        for (const auto& [key, cell] : t->panes)
            QVERIFY(std::get<2>(key) == "US" || std::get<2>(key) == "KR" || std::get<2>(key) == "JP");

        // The same through the library gives the same bytes.
        GenOptions o;
        o.events = 30000;
        o.format = LineFormat::Book;
        o.seed = 9;
        o.countries = { "US", "KR", "JP" };
        o.lateUpdate = true;
        o.latenessMs = 30'000;
        o.disorderMs = 5000;
        std::string mem;
        QVERIFY(generateClicksToString(o, mem).isOk());
        QVERIFY(readFile(log) == mem);

        // To stdout: the log on stdout, the summary on stderr, the truth where --truth says.
        const Run piped = runCli({ "gen", "--out", "-", "--events", "2000", "--truth", path("piped") });
        QCOMPARE(piped.exitCode, 0);
        GenOptions p;
        p.events = 2000;
        std::string pipedMem;
        QVERIFY(generateClicksToString(p, pipedMem).isOk());
        QVERIFY(piped.out.toStdString() == pipedMem);
        QCOMPARE(QJsonDocument::fromJson(piped.err).object()["lines"].toInteger(), 2000);
        QVERIFY(QFile::exists(path("piped.truth.csv")));
        QVERIFY(runCli({ "gen", "--out", "-", "--events", "10" }).exitCode != 0); // no place for the truth

        const Run gz
            = runCli({ "gen", "--out", path("g.csv.gz"), "--gzip", "--events", "3000", "--no-truth" });
        QCOMPARE(gz.exitCode, 0);
        QVERIFY(!QJsonDocument::fromJson(gz.out).object()["verified"].toBool());
        QVERIFY(!QFile::exists(path("g.csv.gz.truth.json")));
        GenOptions d;
        d.events = 3000;
        std::string plain;
        QVERIFY(generateClicksToString(d, plain).isOk());
        QVERIFY(gunzip(path("g.csv.gz")) == plain);
    }
};

QTEST_GUILESS_MAIN(TestClickGenerator)
#include "tst_click_generator.moc"
