// LineSplitter: hand-checked examples, a property test (any chunking gives the lines of an
// independent reference split), CRLF, partial final lines, too-long lines with bounded memory.
#include "core/input/line_splitter.h"
#include "core/input/record_reader.h"

#define ADCLICK_TEST_WATCH_ALLOCATIONS
#include "test_support.h"

#include <QtTest>

#include <atomic>
#include <random>
#include <string>
#include <vector>

using namespace adclick::core;

// The largest single heap allocation while g_watch is on: a 10 MB line must not be buffered.
static std::atomic<bool> g_watch { false };
static std::atomic<std::size_t> g_largestAllocation { 0 };
void watchAllocation(std::size_t n) noexcept
{
    if (g_watch.load(std::memory_order_relaxed) && n > g_largestAllocation.load(std::memory_order_relaxed))
        g_largestAllocation.store(n, std::memory_order_relaxed);
}

namespace {

struct Got {
    std::string text;
    uint64_t offset = 0, endOffset = 0;
    bool tooLong = false;
    bool operator==(const Got&) const = default;
};

QByteArray show(const std::vector<Got>& lines)
{
    QByteArray out;
    for (const Got& g : lines) {
        out += '[' + QByteArray::number(qulonglong(g.offset)) + ','
            + QByteArray::number(qulonglong(g.endOffset)) + (g.tooLong ? ",long" : "") + "] "
            + QByteArray::fromStdString(g.text).toPercentEncoding(" ") + '\n';
    }
    return out;
}

Got take(const Line& l)
{
    return { std::string(l.text), l.offset, l.endOffset, l.tooLong };
}

// Feeds `input` cut at `cuts` (chunk sizes, cycled), drains after every feed, finishes.
std::vector<Got> run(LineSplitter& s, std::string_view input, const std::vector<std::size_t>& cuts)
{
    std::vector<Got> out;
    Line l;
    std::size_t pos = 0, k = 0;
    const uint64_t base = s.consumedOffset() + s.pendingBytes();
    while (pos < input.size()) {
        const std::size_t n = std::min(cuts[k++ % cuts.size()], input.size() - pos);
        s.feed(input.substr(pos, n));
        pos += n;
        while (s.next(l))
            out.push_back(take(l));
        // Invariant: all fed bytes are either returned lines or the held partial line.
        if (s.consumedOffset() + s.pendingBytes() != base + pos)
            out.push_back({ "INVARIANT BROKEN", s.consumedOffset(), s.pendingBytes(), false });
    }
    if (s.finish(l)) out.push_back(take(l));
    return out;
}

// An independent, obviously correct split: the truth the splitter is compared with.
std::vector<Got> reference(std::string_view s, std::size_t max, uint64_t base = 0)
{
    std::vector<Got> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t nl = s.find('\n', pos);
        const std::size_t stop = nl == std::string_view::npos ? s.size() : nl;
        std::string_view raw = s.substr(pos, stop - pos);
        std::string_view text = raw;
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        Got g;
        g.offset = base + pos;
        g.endOffset = base + (nl == std::string_view::npos ? s.size() : nl + 1);
        g.tooLong = text.size() > max;
        g.text = std::string(g.tooLong ? raw.substr(0, 256) : text);
        out.push_back(g);
        pos = stop + 1;
    }
    return out;
}

// RecordReader + LineParser as the ingest runs them: each record with its offsets and verdict.
// `cuts` are chunk sizes (cycled). With `states`, the parser state after each record is kept.
QByteArray readRecords(std::string_view input, const std::vector<std::size_t>& cuts, uint64_t base = 0,
    const std::string& state = {}, std::vector<std::pair<uint64_t, std::string>>* states = nullptr)
{
    RecordReader reader;
    reader.reset(base);
    LineParser parser;
    parser.restore(state);
    QByteArray out;
    Line r;
    auto handle = [&] {
        ClickEvent e;
        const ParseOutcome o = r.multiLine ? parser.parseRecord(r.text, e) : parser.parse(r.text, e);
        QByteArray verdict = "blank";
        if (o.kind == LineKind::Event)
            verdict = "event " + QByteArray::fromStdString(std::string(e.adId));
        else if (o.kind == LineKind::Rejected)
            verdict = "reject " + QByteArray::fromStdString(std::string(rejectReasonName(o.reason)));
        else if (o.kind == LineKind::Header)
            verdict = "header";
        out += '[' + QByteArray::number(qulonglong(r.offset)) + ','
            + QByteArray::number(qulonglong(r.endOffset)) + (r.multiLine ? ",multi" : "") + "] " + verdict
            + '\n';
        if (reader.consumedOffset() != r.endOffset) out += "CONSUMED OFFSET IS NO RECORD END\n";
        if (states) states->emplace_back(r.endOffset, parser.state());
    };
    std::size_t pos = 0, k = 0;
    while (pos < input.size()) {
        const std::size_t n = std::min(cuts[k++ % cuts.size()], input.size() - pos);
        reader.feed(input.substr(pos, n));
        pos += n;
        while (reader.next(r, parser))
            handle();
    }
    while (reader.finish(r, parser))
        handle();
    if (reader.consumedOffset() != base + input.size()) out += "NOT ALL CONSUMED\n";
    return out;
}

const std::string kHeaderLine = "ad_id,click_timestamp,user_id,ip,country,note\n";
std::string row(const std::string& ad, const std::string& note = "n")
{
    return ad + ",2021-01-01 00:00:01,u,1.2.3.4,US," + note + "\n";
}

} // namespace

class TestLineSplitter : public QObject {
    Q_OBJECT

private slots:
    void examples_data();
    void examples();
    void randomChunkings();
    void crlfLimitAtEveryCut();
    void tenMegabyteLine_data();
    void tenMegabyteLine();
    void resetSetsTheBase();
    void emptyInput();
    void finishOnlyOnce();
    void feedBeforeDrained();
    void pendingAndConsumed();
    void records_data();
    void records();
    void recordsAnyChunkingAndResume();
};

void TestLineSplitter::examples_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("max");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << QByteArray() << 100 << QByteArray();
    QTest::newRow("one line") << QByteArray("abc\n") << 100 << QByteArray("[0,4] abc\n");
    QTest::newRow("no final newline")
        << QByteArray("abc\ndef") << 100 << QByteArray("[0,4] abc\n[4,7] def\n");
    QTest::newRow("CRLF") << QByteArray("a\r\nbc\r\n") << 100 << QByteArray("[0,3] a\n[3,7] bc\n");
    QTest::newRow("CR kept inside") << QByteArray("a\rb\n") << 100 << QByteArray("[0,4] a%0Db\n");
    QTest::newRow("only one CR stripped") << QByteArray("a\r\r\n") << 100 << QByteArray("[0,4] a%0D\n");
    QTest::newRow("empty lines") << QByteArray("\n\r\n\n") << 100 << QByteArray("[0,1] \n[1,3] \n[3,4] \n");
    QTest::newRow("final CR without LF") << QByteArray("ab\r") << 100 << QByteArray("[0,3] ab\n");
    QTest::newRow("NUL bytes kept") << QByteArray("a\0b\n", 4) << 100 << QByteArray("[0,4] a%00b\n");
    QTest::newRow("at the limit") << QByteArray("abcd\nabcd\r\n") << 4
                                  << QByteArray("[0,5] abcd\n[5,11] abcd\n");
    QTest::newRow("over the limit") << QByteArray("abcde\nok\n") << 4
                                    << QByteArray("[0,6,long] abcde\n[6,9] ok\n");
    QTest::newRow("over the limit, final")
        << QByteArray("ok\nabcde") << 4 << QByteArray("[0,3] ok\n[3,8,long] abcde\n");
    QTest::newRow("limit 0") << QByteArray("\na\n") << 0 << QByteArray("[0,1] \n[1,3,long] a\n");
}

// Each example in one chunk and in chunks of 1, 2, 3 bytes: the same lines.
void TestLineSplitter::examples()
{
    QFETCH(QByteArray, input);
    QFETCH(int, max);
    QFETCH(QByteArray, expected);
    const std::string_view in(input.constData(), size_t(input.size()));
    for (std::size_t chunk : { std::size_t(1) << 20, std::size_t(1), std::size_t(2), std::size_t(3) }) {
        LineSplitter s(static_cast<std::size_t>(max));
        const auto got = run(s, in, { chunk });
        QCOMPARE(show(got), expected);
        QCOMPARE(s.consumedOffset(), uint64_t(input.size()));
        QCOMPARE(s.pendingBytes(), std::size_t(0));
    }
}

// Property: for random streams (short limit, many CRs, NULs and too-long lines), every chunking
// gives exactly the reference split. Fixed seed: a failure reproduces.
void TestLineSplitter::randomChunkings()
{
    std::mt19937_64 rng(20240601);
    const char alphabet[] = "ab\r\n\r\n\0x ";
    for (int round = 0; round < 400; ++round) {
        const std::size_t max = rng() % 40;
        std::string input;
        const std::size_t len = rng() % 2000;
        for (std::size_t i = 0; i < len; ++i)
            input.push_back(rng() % 5 == 0 ? alphabet[rng() % 9] : char('a' + rng() % 26));
        if (rng() % 3 == 0) input.append(std::size_t(rng() % 600), 'L'); // a long run, maybe without '\n'
        const auto want = reference(input, max);
        LineSplitter one(max);
        QCOMPARE(show(run(one, input, { input.size() + 1 })), show(want));
        for (int c = 0; c < 8; ++c) {
            std::vector<std::size_t> cuts;
            for (int k = 0; k < 16; ++k)
                cuts.push_back(1 + rng() % (c < 4 ? 8 : 300));
            LineSplitter s(max);
            const auto got = run(s, input, cuts);
            if (got != want)
                QFAIL(qPrintable(QStringLiteral("round %1 chunking %2 max %3:\n%4\nwant:\n%5")
                                     .arg(round)
                                     .arg(c)
                                     .arg(max)
                                     .arg(QString::fromLatin1(show(got)))
                                     .arg(QString::fromLatin1(show(want)))));
            QCOMPARE(s.consumedOffset(), uint64_t(input.size()));
        }
    }
}

// A line of exactly the limit plus CRLF is not too long wherever the chunks are cut (the
// splitter must hold limit + 1 bytes to see that the extra byte is the CR).
void TestLineSplitter::crlfLimitAtEveryCut()
{
    const std::size_t max = 64;
    const std::string atLimit = std::string(max, 'a') + "\r\n" + std::string(max + 1, 'b') + "\r\n" + "z\n";
    const auto want = reference(atLimit, max);
    QCOMPARE(want.size(), std::size_t(3));
    QVERIFY(!want[0].tooLong);
    QVERIFY(want[1].tooLong);
    for (std::size_t cut = 1; cut < atLimit.size(); ++cut) {
        LineSplitter s(max);
        Line l;
        std::vector<Got> got;
        s.feed(std::string_view(atLimit).substr(0, cut));
        while (s.next(l))
            got.push_back(take(l));
        s.feed(std::string_view(atLimit).substr(cut));
        while (s.next(l))
            got.push_back(take(l));
        QVERIFY(!s.finish(l));
        QCOMPARE(show(got), show(want));
    }
}

void TestLineSplitter::tenMegabyteLine_data()
{
    QTest::addColumn<int>("chunk");
    QTest::newRow("64 KiB chunks") << 64 * 1024;
    QTest::newRow("odd 1000-byte chunks") << 1000;
    QTest::newRow("one 10 MB chunk") << 11 * 1024 * 1024;
}

// R14: a 10 MB line is reported once, as too long, with its first 256 bytes and exact offsets;
// the lines around it are intact and no allocation comes near its size.
void TestLineSplitter::tenMegabyteLine()
{
    QFETCH(int, chunk);
    const std::size_t big = 10 * 1024 * 1024;
    std::string input = "first\n";
    std::string longLine(big, 'x');
    for (std::size_t i = 0; i < 300; ++i)
        longLine[i] = char('A' + i % 26);
    input += longLine + "\r\nlast\n" + std::string(big, 'y'); // and a too-long partial final line

    LineSplitter s; // the default limit, kMaxLineBytes
    std::vector<Got> got;
    Line l;
    g_largestAllocation = 0;
    g_watch = true;
    for (std::size_t pos = 0; pos < input.size(); pos += std::size_t(chunk)) {
        s.feed(std::string_view(input).substr(pos, std::size_t(chunk)));
        while (s.next(l)) {
            g_watch = false; // the test's own copies do not count
            got.push_back(take(l));
            g_watch = true;
        }
    }
    QVERIFY(s.finish(l));
    g_watch = false;
    got.push_back(take(l));

    QCOMPARE(got.size(), std::size_t(4));
    QCOMPARE(got[0], (Got { "first", 0, 6, false }));
    QCOMPARE(got[1], (Got { longLine.substr(0, 256), 6, 6 + big + 2, true }));
    QCOMPARE(got[2], (Got { "last", 6 + big + 2, 6 + big + 7, false }));
    QCOMPARE(got[3], (Got { std::string(256, 'y'), 6 + big + 7, input.size(), true }));
    QCOMPARE(s.consumedOffset(), uint64_t(input.size()));
    QVERIFY2(g_largestAllocation.load() <= 2 * (kMaxLineBytes + 1),
        qPrintable(QString::number(g_largestAllocation.load())));
}

void TestLineSplitter::resetSetsTheBase()
{
    LineSplitter s(100);
    Line l;
    s.feed("junk without newline");
    QVERIFY(!s.next(l));
    s.reset(1000);
    QCOMPARE(s.consumedOffset(), uint64_t(1000));
    QCOMPARE(s.pendingBytes(), std::size_t(0));
    const std::string in = "ab\ncd\r\nef";
    QCOMPARE(show(run(s, in, { 2 })), show(reference(in, 100, 1000)));
    QCOMPARE(s.consumedOffset(), uint64_t(1009));
}

void TestLineSplitter::emptyInput()
{
    LineSplitter s;
    Line l;
    QVERIFY(!s.next(l));
    QVERIFY(!s.finish(l));
    s.feed("");
    QVERIFY(!s.next(l));
    QVERIFY(!s.finish(l));
    QCOMPARE(s.consumedOffset(), uint64_t(0));
    QCOMPARE(s.pendingBytes(), std::size_t(0));
}

void TestLineSplitter::finishOnlyOnce()
{
    LineSplitter s;
    Line l;
    s.feed("a\npartial");
    QVERIFY(s.next(l));
    QVERIFY(!s.next(l));
    QCOMPARE(s.pendingBytes(), std::size_t(7));
    QVERIFY(s.finish(l));
    QCOMPARE(take(l), (Got { "partial", 2, 9, false }));
    QVERIFY(!s.finish(l));
    QCOMPARE(s.pendingBytes(), std::size_t(0));
    // The stream may go on (a followed file grew after an archive end was assumed).
    s.feed("more\n");
    QVERIFY(s.next(l));
    QCOMPARE(take(l), (Got { "more", 9, 14, false }));
}

// The contract says drain next() before feeding again; if a caller does not, nothing is lost.
void TestLineSplitter::feedBeforeDrained()
{
    LineSplitter s(100);
    Line l;
    std::vector<Got> got;
    s.feed("a\nb\nc");
    QVERIFY(s.next(l));
    got.push_back(take(l));
    s.feed("d\ne\n");
    while (s.next(l))
        got.push_back(take(l));
    QCOMPARE(show(got), show(reference("a\nb\ncd\ne\n", 100)));
    // finish() with undrained lines returns them first.
    s.feed("x\ny");
    QVERIFY(s.finish(l));
    QCOMPARE(take(l), (Got { "x", 9, 11, false }));
    QVERIFY(s.finish(l));
    QCOMPARE(take(l), (Got { "y", 11, 12, false }));
}

void TestLineSplitter::pendingAndConsumed()
{
    LineSplitter s(4);
    Line l;
    s.feed("ab");
    QVERIFY(!s.next(l));
    QCOMPARE(s.pendingBytes(), std::size_t(2));
    s.feed("cdefgh"); // now too long
    QVERIFY(!s.next(l));
    QCOMPARE(s.pendingBytes(), std::size_t(8));
    QCOMPARE(s.consumedOffset(), uint64_t(0));
    s.feed("\nz\n");
    QVERIFY(s.next(l));
    QCOMPARE(take(l), (Got { "abcdefgh", 0, 9, true }));
    QCOMPARE(s.consumedOffset(), uint64_t(9));
    QVERIFY(s.next(l));
    QCOMPARE(s.consumedOffset(), uint64_t(11));
    QVERIFY(!s.next(l));
}

void TestLineSplitter::records_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    const std::string h = kHeaderLine; // 47 bytes
    auto add = [](const char* name, const std::string& input, const char* expected) {
        QTest::newRow(name) << QByteArray::fromStdString(input) << QByteArray(expected);
    };
    // Issue 9, defect 13: the second half of a quoted field is no click for ad `1"`.
    add("quoted line break in ad_id: one record, rejected once",
        "ad_id,click_timestamp,user_id,ip,country\n\"ad\n1\",2021-01-01 00:00:01,u,1.2.3.4,US\n"
            + row("ad2").substr(0, 36) + "\n",
        "[0,41] header\n[41,81,multi] reject bad_field\n[81,118] event ad2\n");
    add("quoted line breaks in an ignored column", h + row("ad1", "\"one\r\ntwo\n\nthree\"") + row("ad2"),
        "[0,46] header\n[46,101,multi] event ad1\n[101,140] event ad2\n");
    add("escaped quotes across lines", h + row("ad1", "\"a\"\"\n\"\"b\""),
        "[0,46] header\n[46,93,multi] event ad1\n");
    add("stray quote at the end of the input: one reject, the rest read alone",
        h + "\"ad0,2021-01-01 00:00:01,u,1.2.3.4,US,n\n" + row("ad1") + row("ad2"),
        "[0,46] header\n[46,86] reject bad_field\n[86,125] event ad1\n[125,164] event ad2\n");
    add("stray quote, then a closing quote that breaks the record",
        h + row("ad0", "\"x") + "\"y\"z,2021-01-01 00:00:01,u,1.2.3.4,US,n\n" + row("ad2"),
        "[0,46] header\n[46,86] reject bad_field\n[86,126] reject bad_field\n[126,165] event ad2\n");
    // 43 bytes of an open quote, then 70 rows of 38 bytes, each read alone.
    std::string many = h + row("ad0", "\"open");
    std::string manyWant = "[0,46] header\n[46,89] reject bad_field\n";
    for (int i = 1; i <= 70; ++i) {
        many += row("a" + std::to_string(i % 10));
        manyWant += "[" + std::to_string(89 + 38 * (i - 1)) + "," + std::to_string(89 + 38 * i) + "] event a"
            + std::to_string(i % 10) + "\n";
    }
    add("a quote still open after 64 lines: the first line alone", many, manyWant.c_str());
    add("the book format has no quoting: no record spans lines",
        "\"ad1, 2021-01-01 00:00:01, u, 1.2.3.4, US\n" + row("ad2"),
        "[0,42] event \"ad1\n[42,81] event ad2\n");
    add("json lines never span lines", h + "{\"ad_id\":\"x\n" + row("ad2"),
        "[0,46] header\n[46,58] reject bad_json\n[58,97] event ad2\n");
    add("a record ends at the end of an archive without a newline",
        h + "ad1,2021-01-01 00:00:01,u,1.2.3.4,US,\"a\nb\"", "[0,46] header\n[46,88,multi] event ad1\n");
}

void TestLineSplitter::records()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const std::string_view in(input.constData(), size_t(input.size()));
    QCOMPARE(readRecords(in, { in.size() + 1 }), expected);
    for (std::size_t chunk : { 1, 2, 3, 7, 64 })
        QCOMPARE(readRecords(in, { chunk }), expected);
}

// Any chunking gives the same records; restarting at any record boundary with the parser state
// stored there gives the records after it (a crash never splits a record or loses a header).
void TestLineSplitter::recordsAnyChunkingAndResume()
{
    std::mt19937_64 rng(20261203);
    const std::string pieces[] = { kHeaderLine, "country,ad_id,ip,user_id,click_timestamp\n", row("ad1"),
        row("ad2", "\"x\ny\""), "\"", "\n", "ad3,2021-01-01 00:00:01,u,1.2.3.4,US,\"a", "b\",\n", "junk\n",
        "{\"ad_id\":1}\n", "us,ad4,::1,u,1609459201000\n", "\"\"", "\r\n" };
    for (int round = 0; round < 300; ++round) {
        std::string input;
        const int n = 1 + int(rng() % 30);
        for (int i = 0; i < n; ++i)
            input += pieces[rng() % std::size(pieces)];
        std::vector<std::pair<uint64_t, std::string>> states;
        const QByteArray whole = readRecords(input, { input.size() + 1 }, 0, {}, &states);
        QVERIFY2(!whole.contains("CONSUMED") && !whole.contains("NOT ALL"), whole.constData());
        std::vector<std::size_t> cuts;
        for (int k = 0; k < 8; ++k)
            cuts.push_back(1 + rng() % 20);
        QCOMPARE(readRecords(input, cuts), whole);
        const auto& [at, state] = states[rng() % states.size()];
        const QByteArray rest = readRecords(std::string_view(input).substr(at), cuts, at, state);
        const qsizetype from = at == input.size()
            ? whole.size()
            : whole.indexOf("[" + QByteArray::number(qulonglong(at)) + ",");
        QVERIFY(from >= 0);
        QCOMPARE(rest, whole.mid(from));
    }
}

QTEST_APPLESS_MAIN(TestLineSplitter)
#include "tst_line_splitter.moc"
