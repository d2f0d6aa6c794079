// The binary raw segment format (core/pipeline/raw_frame.h) and its reader: every event reads
// back exactly as it was given (odd addresses, absent fields, long click ids, many frames), the
// reader skips frames by time and by ad without changing what it returns, and a damaged byte or
// a cut frame is an error naming the file and range, never a short answer.
#include "core/pipeline/raw_frame.h"
#include "core/store/raw_blocks.h"
#include "core/store/raw_reader.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <string>
#include <vector>

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
        e.status = statuses[(i * 7) % 4];
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
        const auto st = reader.read({ seg }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent& e) {
            back.push_back(lineOf(e));
            return true;
        });
        QVERIFY2(st.isOk(), st.message().c_str());
        QCOMPARE(back.size(), events.size());
        for (std::size_t i = 0; i < events.size(); ++i)
            QCOMPARE(back[i], lineOf(events[i]));
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

    void damagedBytesAreReportedWithTheirRange_data()
    {
        QTest::addColumn<int>("at"); // byte to flip; negative: from the end
        QTest::newRow("first header") << 0;
        QTest::newRow("a header's time") << 30;
        QTest::newRow("payload") << 5000;
        QTest::newRow("last byte") << -1;
    }
    void damagedBytesAreReportedWithTheirRange()
    {
        QFETCH(int, at);
        QTemporaryDir dir;
        std::string bytes;
        RawSegment seg = segmentOf(dir.path(), "seg-000001.acr", sampleEvents(kRawFrameEvents + 10), &bytes);
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
        // Without checksums (a version-1 database) the frame itself still refuses to decode.
        seg.checked = false;
        st = reader.read({ seg }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent&) { return true; });
        QVERIFY(!st.isOk()); // a header has a CRC of its own; the payload must decode
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
        std::string back;
        RawReader reader(dir.path().toStdString());
        const auto st = reader.read({ tsv, bin }, { { INT64_MIN, INT64_MAX } }, [&](const RawEvent& e) {
            back += lineOf(e);
            return true;
        });
        QVERIFY2(st.isOk(), st.message().c_str());
        QCOMPARE(back, text + text);
    }
};

QTEST_GUILESS_MAIN(TestRawFormat)
#include "tst_raw_format.moc"
