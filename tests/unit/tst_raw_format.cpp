// The binary raw segment format (core/pipeline/raw_frame.h) and its reader: every event reads
// back exactly as it was given (odd addresses, absent fields, long click ids, many frames), the
// reader skips frames by time and by ad without changing what it returns, and a damaged byte or
// a cut frame is an error naming the file and range, never a short answer.
#include "core/base/crc32.h"
#include "core/pipeline/filter_expr.h"
#include "core/pipeline/raw_frame.h"
#include "core/store/raw_blocks.h"
#include "core/store/raw_reader.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <vector>
#include <zlib.h>

using namespace adclick::core;

namespace {

struct Ev {
    RawStatus status;
    int64_t t;
    std::string ad, country, user, ip, click;
};

std::string lineOf(RawStatus s, int64_t t, std::string_view ad, std::string_view country,
    std::string_view user, std::string_view ip, std::string_view click)
{
    std::string line;
    appendRawLine(line, s, t, ad, country, user, ip, click);
    return line;
}

std::string lineOf(const Ev& e)
{
    return lineOf(e.status, e.t, e.ad, e.country, e.user, e.ip, e.click);
}

std::string lineOf(const RawEvent& e)
{
    return lineOf(e.status, e.timeMs, e.adId, e.country, e.userId, e.ip, e.clickId);
}

//! `n` events with every kind of field the parser lets through, times going back and forth.
std::vector<Ev> sampleEvents(int n)
{
    static const char* ips[] = { "1.2.3.4", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::1",
        "fe80::1:2:3:4", "", "::ffff:1.2.3.4", "2001:0DB8::1", "010.1.1.1" };
    static const char* countries[] = { "US", "KR", "", "DE", "ZZZ" };
    static const RawStatus statuses[]
        = { RawStatus::Accepted, RawStatus::Duplicate, RawStatus::LateDropped, RawStatus::LateApplied };
    std::vector<Ev> out;
    for (int i = 0; i < n; ++i) {
        Ev e;
        e.status = i % 97 == 3 ? RawStatus::BeyondHorizon : statuses[(i * 7) % 4];
        e.t = 1'609'459'200'000 + (i % 5 == 0 ? -i * 13 : i * 17) + (i % 11 == 0 ? -40'000'000'000 : 0);
        e.ad = "ad" + std::to_string((i * 31) % 997);
        e.country = countries[i % 5];
        e.user = i % 13 == 0 ? "" : "user" + std::to_string((i * 17) % 5003);
        e.ip = ips[i % 11];
        e.click = i % 3 == 0
            ? ""
            : "click-" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 128), 'x');
        out.push_back(e);
    }
    return out;
}

bool writeFile(const QString& path, std::string_view bytes)
{
    std::ofstream f(path.toStdString(), std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bool(f);
}

//! A segment of `events` as the store writes it: frames plus the checksum blocks.
RawSegment segmentOf(
    const QString& dir, const std::string& name, const std::vector<Ev>& events, std::string* bytes)
{
    RawBatch batch;
    for (const Ev& e : events)
        batch.add(e.status, e.t, e.ad, e.country, e.user, e.ip, e.click);
    const std::string_view frames = batch.frames();
    *bytes = std::string(frames);
    RawSegment s;
    s.id = 1;
    s.file = name;
    s.bytes = frames.size();
    s.minMs = INT64_MIN;
    s.maxMs = INT64_MAX;
    RawBlock last;
    appendToBlocks(last, frames, s.blocks);
    s.checked = true;
    writeFile(dir + "/" + QString::fromStdString(name), frames);
    return s;
}

//! Events around the edges of the pre-filter (RawFrameDecoder::loadColumns with a filter): ip
//! addresses at CIDR boundaries in every stored form (4 bytes, 16 bytes, IPv4-mapped and
//! non-canonical text, absent), users present in only some frames' dictionaries, absent
//! countries; in time order so that frames end inside the query ranges.
std::vector<Ev> filterEvents(int n)
{
    static const char* ips[] = { "148.0.0.0", "147.255.255.255", "148.255.255.255", "149.0.0.0", "148.1.2.3",
        "::ffff:148.9.9.9", "::ffff:147.0.0.1", "010.1.1.1", "10.1.1.1", "2001:db8::", "2001:db8:ffff::1",
        "2001:db9::", "2001:0DB8::7", "", "::", "0.0.0.0", "255.255.255.255", "fe80::1" };
    static const char* countries[] = { "US", "KR", "", "DE" };
    static const RawStatus statuses[]
        = { RawStatus::Accepted, RawStatus::Duplicate, RawStatus::LateDropped, RawStatus::LateApplied };
    std::vector<Ev> out;
    for (int i = 0; i < n; ++i) {
        Ev e;
        e.status = i % 89 == 5 ? RawStatus::BeyondHorizon : statuses[(i * 5) % 4];
        e.t = 1'609'459'200'000 + static_cast<int64_t>(i) * 7 - (i % 17 == 0 ? 50'000 : 0);
        e.ad = "ad" + std::to_string((i * 13) % 41);
        e.country = countries[(i / 3) % 4];
        // user7 everywhere; "late-user" only in the last frame; "gone" only in the first
        e.user = i % 10 == 0 ? "" : (i % 10 == 1 ? "user7" : "user" + std::to_string((i * 31) % 3001));
        if (i >= n - 1000 && i % 50 == 3) e.user = "late-user";
        if (i < 1000 && i % 50 == 4) e.user = "gone";
        e.ip = ips[(i / 2) % std::size(ips)];
        e.click = i % 4 == 0 ? "" : "c" + std::to_string(i);
        out.push_back(e);
    }
    return out;
}

//! What a scan hands out of an event when it reads the columns up to `columns`.
std::string visibleOf(RawStatus s, int64_t t, std::string_view ad, std::string_view country,
    std::string_view user, std::string_view ip, std::string_view click, RawColumns columns)
{
    const bool c = columns >= RawColumns::Countries, u = columns >= RawColumns::Users,
               i = columns >= RawColumns::Ips, k = columns == RawColumns::All;
    return lineOf(s, t, ad, c ? country : "", u ? user : "", i ? ip : "", k ? click : "");
}

//! The events as sorted lines: stragglers are stored in frames of their own, so a segment holds
//! the events given, not in their order.
std::vector<std::string> sortedLines(const std::vector<Ev>& events)
{
    std::vector<std::string> out;
    for (const Ev& e : events)
        out.push_back(lineOf(e));
    std::sort(out.begin(), out.end());
    return out;
}

//! Every event of `seg` as sorted lines, into `out`.
Status readSortedLines(RawReader& reader, const RawSegment& seg, std::vector<std::string>& out)
{
    const Status st = reader.read({ seg }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent& e) {
        out.push_back(lineOf(e));
        return true;
    });
    std::sort(out.begin(), out.end());
    return st;
}

} // namespace

class TestRawFormat : public QObject {
    Q_OBJECT
private slots:
    void everyEventReadsBackExactly()
    {
        QTemporaryDir dir;
        const auto events = sampleEvents(kRawFrameEvents * 2 + 1234); // three frames
        std::string bytes;
        const RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", events, &bytes);
        std::vector<std::string> back;
        RawReader reader(dir.path().toStdString(), 4096);
        const Status st = readSortedLines(reader, seg, back);
        QVERIFY2(st.isOk(), st.message().c_str());
        const std::vector<std::string> given = sortedLines(events);
        QCOMPARE(back.size(), given.size());
        for (std::size_t i = 0; i < given.size(); ++i)
            QCOMPARE(back[i], given[i]);
        // Far smaller than the text lines it replaces.
        std::size_t text = 0;
        for (const Ev& e : events)
            text += lineOf(e).size();
        QVERIFY2(
            bytes.size() * 3 < text, (std::to_string(bytes.size()) + " of " + std::to_string(text)).c_str());
    }

    void skipsByTimeAndAdGiveTheSameEvents()
    {
        QTemporaryDir dir;
        std::vector<Ev> events = sampleEvents(kRawFrameEvents * 3);
        for (std::size_t i = 0; i < events.size(); ++i) // in order, as an archive: frames span little time
            events[i].t = 1'609'459'200'000 + static_cast<int64_t>(i) * 3;
        std::string bytes;
        const RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", events, &bytes);
        const std::vector<TimeRange> ranges { { events[100].t, events[200].t },
            { events[kRawFrameEvents * 2 + 5].t, events[kRawFrameEvents * 2 + 9000].t } };
        for (const char* ad : { "ad31", "ad0", "no-such-ad" }) {
            for (const bool counted : { false, true }) {
                std::vector<std::string> expected, got;
                for (const Ev& e : events) {
                    const bool in = std::any_of(
                        ranges.begin(), ranges.end(), [&](const TimeRange& r) { return r.contains(e.t); });
                    if (in && e.ad == ad && (!counted || isCounted(e.status))) expected.push_back(lineOf(e));
                }
                RawScan scan;
                scan.adId = ad;
                scan.countedOnly = counted;
                RawReader reader(dir.path().toStdString());
                const auto st = reader.read({ seg }, ranges, scan, [&](const RawEvent& e) {
                    got.push_back(lineOf(e));
                    return true;
                });
                QVERIFY2(st.isOk(), st.message().c_str());
                QCOMPARE(got, expected);
            }
        }
    }

    void filterOnEncodedColumnsEqualsMatches_data()
    {
        QTest::addColumn<QString>("expr");
        for (const char* e : { "ip=148.0.0.0/8", "ip!=148.0.0.0/8", "ip=148.0.0.0/32", "ip=147.255.255.255",
                 "ip in (148.0.0.0/9,10.0.0.0/8)", "ip=::ffff:148.0.0.0/104", "ip=2001:db8::/32",
                 "ip not in (2001:db8::/32,0.0.0.0/0)", "ip=::/0", "ip=0.0.0.0/0", "ip=10.1.1.1",
                 "user_id=user7", "user_id!=user7", "user_id=late-user", "user_id=gone", "user_id=never",
                 "user_id in (gone,late-user,user7)", "user_id not in (gone,never)", "country=US",
                 "country!=US", "country in (KR,DE) and ip=148.0.0.0/8",
                 "user_id!=user7 and ip!=2001:db8::/32 and country!=KR" })
            QTest::newRow(e) << QString::fromUtf8(e);
    }
    void filterOnEncodedColumnsEqualsMatches()
    {
        QFETCH(QString, expr);
        auto filter = parseFilter(expr.toStdString());
        QVERIFY2(filter.isOk(), filter.status().message().c_str());
        QTemporaryDir dir;
        const std::vector<Ev> events = filterEvents(kRawFrameEvents * 2 + 5000); // three frames
        std::string bytes;
        const RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", events, &bytes);
        // Ranges that cut the first and the last frame, and one that covers everything.
        const std::vector<std::vector<TimeRange>> rangeSets { { { INT64_MIN, INT64_MAX } },
            { { events[3000].t, events[kRawFrameEvents + 10].t },
                { events[kRawFrameEvents * 2 + 100].t, events[kRawFrameEvents * 2 + 4000].t } } };
        for (const auto& ranges : rangeSets) {
            for (const RawColumns columns : { RawColumns::Ads, RawColumns::Countries, RawColumns::Users,
                     RawColumns::Ips, RawColumns::All }) {
                for (const char* ad : { "", "ad3" }) {
                    std::vector<std::string> expected, got;
                    for (const Ev& e : events) {
                        const bool in = std::any_of(ranges.begin(), ranges.end(),
                            [&](const TimeRange& r) { return r.contains(e.t); });
                        if (in && (!*ad || e.ad == ad) && isCounted(e.status)
                            && filter->matches(e.country, e.user, e.ip))
                            expected.push_back(
                                visibleOf(e.status, e.t, e.ad, e.country, e.user, e.ip, e.click, columns));
                    }
                    RawScan scan;
                    if (*ad) scan.adId = ad;
                    scan.countedOnly = true;
                    scan.filter = &*filter;
                    scan.columns = columns;
                    RawReader reader(dir.path().toStdString());
                    const auto st = reader.read({ seg }, ranges, scan, [&](const RawEvent& e) {
                        got.push_back(visibleOf(
                            e.status, e.timeMs, e.adId, e.country, e.userId, e.ip, e.clickId, columns));
                        return true;
                    });
                    QVERIFY2(st.isOk(), st.message().c_str());
                    QVERIFY2(got == expected,
                        (std::to_string(got.size()) + " events, expected " + std::to_string(expected.size())
                            + " at columns " + std::to_string(int(columns)) + ", ad '" + ad + "'")
                            .c_str());
                }
            }
        }
    }

    void anyOrderScanOnTwoThreadsGivesTheSameEvents()
    {
        auto filter = parseFilter("ip!=148.0.0.0/8");
        QVERIFY(filter.isOk());
        QTemporaryDir dir;
        const std::vector<Ev> events = filterEvents(kRawFrameEvents * 6 + 77); // seven frames: two threads
        std::string bytes;
        RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", events, &bytes);
        const std::vector<TimeRange> ranges { { events[5].t, events[kRawFrameEvents * 6].t } };
        for (const bool bigBlocks : { true, false }) {
            std::vector<std::string> expected, got;
            for (const Ev& e : events)
                if (ranges[0].contains(e.t) && isCounted(e.status)
                    && filter->matches(e.country, e.user, e.ip))
                    expected.push_back(lineOf(e));
            RawScan scan;
            scan.countedOnly = true;
            scan.filter = &*filter;
            scan.anyOrder = true;
            RawReader reader(dir.path().toStdString(), bigBlocks ? 4u << 20 : 4096, 0); // two threads
            auto st = reader.read({ seg }, ranges, scan, [&](const RawEvent& e) {
                got.push_back(lineOf(e));
                return true;
            });
            QVERIFY2(st.isOk(), st.message().c_str());
            std::sort(expected.begin(), expected.end());
            std::sort(got.begin(), got.end());
            QCOMPARE(got.size(), expected.size());
            QVERIFY(got == expected);
            // Stopping from the callback stops both threads; a set cancel flag stops before any frame.
            int calls = 0;
            st = reader.read({ seg }, ranges, scan, [&](const RawEvent&) { return ++calls < 10; });
            QVERIFY(st.isOk());
            QCOMPARE(calls, 10);
            std::atomic<bool> cancel { true };
            scan.cancel = &cancel;
            calls = 0;
            st = reader.read({ seg }, ranges, scan, [&](const RawEvent&) { return ++calls > 0; });
            QVERIFY(st.isOk());
            QCOMPARE(calls, 0);
            if (!bigBlocks) break;
            // A damaged byte in a frame of the second thread's half is still an error.
            std::string broken = bytes;
            broken[broken.size() - 100] = static_cast<char>(broken[broken.size() - 100] ^ 0x10);
            QVERIFY(writeFile(dir.path() + "/seg-000001.acr", broken));
            scan.cancel = nullptr;
            st = reader.read(
                { seg }, { { INT64_MIN, INT64_MAX } }, scan, [](const RawEvent&) { return true; });
            QVERIFY(!st.isOk());
            QVERIFY2(st.message().find("seg-000001.acr") != std::string::npos, st.message().c_str());
            QVERIFY(writeFile(dir.path() + "/seg-000001.acr", bytes));
        }
    }

    void fastCrcEqualsZlib()
    {
        std::mt19937 rng(7);
        std::vector<unsigned char> buf(1 << 20);
        for (unsigned char& b : buf)
            b = static_cast<unsigned char>(rng());
        for (int i = 0; i < 3000; ++i) {
            const std::size_t off = rng() % 64;
            const std::size_t n
                = i < 300 ? static_cast<std::size_t>(i) : rng() % (i % 10 == 0 ? buf.size() - 64 : 5000);
            const uint32_t init = i % 3 == 0 ? 0 : static_cast<uint32_t>(rng());
            const auto zlib = static_cast<uint32_t>(::crc32(init, buf.data() + off, static_cast<uInt>(n)));
            QCOMPARE(crc32Update(init, buf.data() + off, n), zlib);
        }
    }

    // Far-late clicks (minutes behind the newest) among in-order ones: the in-order frames stay
    // narrow, so a range of 43 s reads its own frame or two and the stragglers' frame, not every
    // frame, and returns exactly what a full scan finds in it.
    void farLateClicksLeaveTheOtherFramesNarrow()
    {
        QTemporaryDir dir;
        std::vector<Ev> events = sampleEvents(kRawFrameEvents * 16);
        constexpr int64_t kT0 = 1'609'459'200'000;
        std::mt19937_64 rng(3);
        for (std::size_t i = 0; i < events.size(); ++i) {
            events[i].t = kT0 + static_cast<int64_t>(i) - static_cast<int64_t>(rng() % 20'000);
            if (rng() % 100 == 0) events[i].t -= 100'000 + static_cast<int64_t>(rng() % 150'000);
        }
        std::string bytes;
        const RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", events, &bytes);
        const std::vector<TimeRange> ranges { { kT0 + 40'000, kT0 + 83'000 } };
        for (const char* ad : { "ad31", "ad0" }) {
            std::vector<std::string> expected, got;
            for (const Ev& e : events)
                if (ranges[0].contains(e.t) && e.ad == ad) expected.push_back(lineOf(e));
            RawScan scan;
            scan.adId = ad;
            scan.anyOrder = true;
            RawReader reader(dir.path().toStdString());
            const auto st = reader.read({ seg }, ranges, scan, [&](const RawEvent& e) {
                got.push_back(lineOf(e));
                return true;
            });
            QVERIFY2(st.isOk(), st.message().c_str());
            std::sort(expected.begin(), expected.end());
            std::sort(got.begin(), got.end());
            QVERIFY(expected.size() > 10);
            QCOMPARE(got, expected);
            // 16 in-order frames of ~33 s (+ 20 s of disorder) and the stragglers' frame: 3 of
            // the first and that one (with the stragglers among them, frames 1–10 would meet it).
            QVERIFY2(reader.framesRead() <= 4, std::to_string(reader.framesRead()).c_str());
            // Only those frames' bytes (each checks its own CRC), not the 1 MiB blocks around them.
            QVERIFY2(reader.bytesRead() * 3 < bytes.size(),
                (std::to_string(reader.bytesRead()) + " of " + std::to_string(bytes.size())).c_str());
        }
        // A whole scan reads every byte once (a window is read anew only for a frame outside it).
        for (const bool anyOrder : { false, true }) {
            RawScan scan;
            scan.anyOrder = anyOrder;
            RawReader reader(dir.path().toStdString());
            std::size_t n = 0;
            const auto st = reader.read(
                { seg }, { { INT64_MIN, INT64_MAX } }, scan, [&](const RawEvent&) { return ++n, true; });
            QVERIFY2(st.isOk(), st.message().c_str());
            QCOMPARE(n, events.size());
            QCOMPARE(reader.framesRead(), uint64_t(17));
            QVERIFY2(reader.bytesRead() <= bytes.size() * 11 / 10,
                (std::to_string(reader.bytesRead()) + " of " + std::to_string(bytes.size())).c_str());
        }
    }

    // Segments written before frames carried their own CRC (version 1) read back the same.
    void versionOneFramesStayReadable()
    {
        QTemporaryDir dir;
        const auto events = sampleEvents(kRawFrameEvents + 999);
        std::string v1, v2;
        writeRawFramesV1ForTest(true);
        const RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", events, &v1);
        writeRawFramesV1ForTest(false);
        segmentOf(dir.path(), "seg-000002.acr", events, &v2);
        QCOMPARE(v1[4], '\x01');
        QCOMPARE(v2[4], '\x02');
        QVERIFY(v1.size() < v2.size()); // without the frames' CRCs
        std::vector<std::string> back;
        RawReader reader(dir.path().toStdString());
        const Status st = readSortedLines(reader, seg, back);
        QVERIFY2(st.isOk(), st.message().c_str());
        QVERIFY(back == sortedLines(events));
    }

    void damagedBytesAreReportedWithTheirRange_data()
    {
        QTest::addColumn<int>("at"); // byte to flip; negative: from the end
        QTest::addColumn<bool>("v1"); // frames without their own CRC (older databases)
        for (const bool v1 : { false, true }) {
            const char* tag = v1 ? " (version 1)" : "";
            QTest::newRow((std::string("first header") + tag).c_str()) << 0 << v1;
            QTest::newRow((std::string("a header's time") + tag).c_str()) << 30 << v1;
            QTest::newRow((std::string("payload") + tag).c_str()) << 5000 << v1;
            QTest::newRow((std::string("last byte") + tag).c_str()) << -1 << v1;
        }
    }
    void damagedBytesAreReportedWithTheirRange()
    {
        QFETCH(int, at);
        QFETCH(bool, v1);
        QTemporaryDir dir;
        std::string bytes;
        writeRawFramesV1ForTest(v1);
        RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", sampleEvents(kRawFrameEvents + 10), &bytes);
        writeRawFramesV1ForTest(false);
        const std::size_t pos = at < 0 ? bytes.size() - 1 : static_cast<std::size_t>(at);
        bytes[pos] = static_cast<char>(bytes[pos] ^ 0x01);
        QVERIFY(writeFile(dir.path() + "/seg-000001.acr", bytes));
        RawReader reader(dir.path().toStdString());
        int64_t n = 0;
        auto st
            = reader.read({ seg }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent&) { return ++n, true; });
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().find("seg-000001.acr' is damaged in bytes 0–") != std::string::npos,
            st.message().c_str());
        // Without the blocks, a header's CRC and a version-2 frame's own CRC still refuse it. A
        // version-1 payload has only the blocks: a flipped byte may decode to other valid events
        // (which is why every database that holds binary frames has the blocks).
        seg.checked = false;
        st = reader.read({ seg }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent&) { return true; });
        const bool inHeader = at >= 0 && at < int(kRawFrameHeaderBytes);
        if (v1 && !inHeader) return;
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().find("is damaged at byte") != std::string::npos, st.message().c_str());
    }

    void committedLengthInsideAFrameIsAnError()
    {
        QTemporaryDir dir;
        std::string bytes;
        RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", sampleEvents(100), &bytes);
        seg.bytes -= 7;
        seg.blocks.clear();
        RawBlock last;
        appendToBlocks(last, std::string_view(bytes).substr(0, seg.bytes), seg.blocks);
        RawReader reader(dir.path().toStdString());
        const auto st
            = reader.read({ seg }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent&) { return true; });
        QVERIFY(!st.isOk());
        QVERIFY2(st.message().find("the committed part ends inside a frame") != std::string::npos,
            st.message().c_str());
    }

    void textSegmentsStayReadable()
    {
        QTemporaryDir dir;
        const auto events = sampleEvents(500);
        std::string text;
        for (const Ev& e : events)
            text += lineOf(e);
        QVERIFY(writeFile(dir.path() + "/seg-000001.tsv", text));
        std::string bytes;
        RawSegment bin = segmentOf(dir.path(), "seg-000002.acr", events, &bytes);
        bin.id = 2;
        const RawSegment tsv { 1, "seg-000001.tsv", text.size(), INT64_MIN, INT64_MAX, false, {} };
        std::vector<std::string> back;
        RawReader reader(dir.path().toStdString());
        const auto st = reader.read({ tsv, bin }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent& e) {
            back.push_back(lineOf(e));
            return true;
        });
        QVERIFY2(st.isOk(), st.message().c_str());
        QCOMPARE(back.size(), 2 * events.size());
        // The text segment in its order; the binary one holds the same events, its stragglers
        // (times 40 s before the others) in frames of their own.
        std::vector<std::string> given;
        for (const Ev& e : events)
            given.push_back(lineOf(e));
        const auto half = back.begin() + std::ptrdiff_t(events.size());
        QVERIFY(std::equal(back.begin(), half, given.begin()));
        std::sort(half, back.end());
        std::sort(given.begin(), given.end());
        QVERIFY(std::equal(half, back.end(), given.begin()));
    }
};

QTEST_GUILESS_MAIN(TestRawFormat)
#include "tst_raw_format.moc"
