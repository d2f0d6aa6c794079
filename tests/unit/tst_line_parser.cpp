// LineParser: every format, every reject reason, auto detection. Each row feeds a sequence of
// lines to one parser and compares each outcome, written as text, with the expected text.
#include "core/input/line_parser.h"
#include "core/input/line_splitter.h"

#define ADCLICK_TEST_WATCH_ALLOCATIONS
#include "test_support.h"

#include <QtTest>

#include <atomic>
#include <string>

using namespace adclick::core;

// Counts heap allocations so a test can prove the steady state allocates nothing.
static std::atomic<long> g_allocations { 0 };
void watchAllocation(std::size_t) noexcept
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
}

namespace {

constexpr qint64 T = 1609459201000; // 2021-01-01 00:00:01 UTC

QByteArray describe(ParseOutcome o, const ClickEvent& e)
{
    switch (o.kind) {
    case LineKind::Blank:
        return "blank";
    case LineKind::Header:
        return "header";
    case LineKind::Rejected: {
        const std::string_view n = rejectReasonName(o.reason);
        return "reject " + QByteArray(n.data(), qsizetype(n.size()));
    }
    case LineKind::Event:
        break;
    }
    auto b = [](std::string_view s) { return QByteArray(s.data(), qsizetype(s.size())); };
    return "event " + QByteArray::number(qint64(e.timeMs)) + '|' + b(e.adId) + '|' + b(e.userId) + '|'
        + b(e.ip) + '|' + b(e.country) + '|' + b(e.clickId);
}

QByteArray ev(qint64 ms, const QByteArray& ad, const QByteArray& user, const QByteArray& ip,
    const QByteArray& country, const QByteArray& click = {})
{
    return "event " + QByteArray::number(ms) + '|' + ad + '|' + user + '|' + ip + '|' + country + '|' + click;
}

QByteArray rej(const char* reason)
{
    return QByteArray("reject ") + reason;
}

const QByteArray kBlank = "blank";
const QByteArray kHeader = "header";

// One book line with one field replaced (index 0..5).
QByteArray book(int index = -1, const QByteArray& value = {})
{
    QByteArrayList f { "ad001", "2021-01-01 00:00:01", "user1", "207.148.22.22", "USA" };
    if (index == 5)
        f << value;
    else if (index >= 0)
        f[index] = value;
    return f.join(", ");
}
QByteArray okBook(const QByteArray& ad = "ad001", const QByteArray& user = "user1",
    const QByteArray& ip = "207.148.22.22", const QByteArray& country = "USA", const QByteArray& click = {})
{
    return ev(T, ad, user, ip, country, click);
}

QByteArray json(const QByteArray& members)
{
    return "{" + members + "}";
}
const QByteArray kJsonBase = R"("ad_id":"ad001","click_timestamp":"2021-01-01 00:00:01","user_id":"user1",)"
                             R"("ip":"207.148.22.22","country":"USA")";
QByteArray jsonWith(const QByteArray& extra)
{
    return json(kJsonBase + "," + extra);
}

} // namespace

class TestLineParser : public QObject {
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void formatNames();
    void reasonNames();
    void fieldsOfEveryFormatAgree();
    void noAllocationsInSteadyState();
    void scratchSurvivesGrowth();
    void restoredParserReadsOnAlike_data();
    void restoredParserReadsOnAlike();
    void quotedLineBreaks();
    void columnMap_data();
    void columnMap();
    void columnMapTextRoundTrip();
    void headerProblemNamesMap();
    void stateKeepsColumnMap();
    void delimiters_data();
    void delimiters();
    void delimiterNames();
    void stateKeepsDelimiter();

private:
    void addRow(const char* name, LineFormat format, const QByteArrayList& lines,
        const QByteArrayList& expected, LineFormat resolved);
};

void TestLineParser::addRow(const char* name, LineFormat format, const QByteArrayList& lines,
    const QByteArrayList& expected, LineFormat resolved)
{
    QTest::newRow(name) << int(format) << lines << expected << int(resolved);
}

void TestLineParser::parse_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QByteArrayList>("lines");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addColumn<int>("resolved");

    const auto A = LineFormat::Auto, B = LineFormat::Book, C = LineFormat::Csv, J = LineFormat::Jsonl;
    auto bookRow = [&](const char* name, const QByteArray& line, const QByteArray& exp) {
        addRow(name, B, { line }, { exp }, B);
    };
    // Book lines with field `field` replaced by each value of `rows`, all rejected for `reason`.
    auto badValueRows
        = [&](int field, const char* reason, std::initializer_list<std::pair<const char*, QByteArray>> rows) {
              for (const auto& [name, value] : rows)
                  bookRow(name, book(field, value), rej(reason));
          };

    // ---- Book format: valid forms -------------------------------------------------------
    bookRow("book: the book's example",
        "[AdClickEvent] ad001, 2021-01-01 00:00:01, user1, 207.148.22.22, USA", okBook());
    bookRow("book: no prefix", "ad001, 2021-01-01 00:00:01, user1, 207.148.22.22, USA", okBook());
    bookRow("book: no spaces", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA", okBook());
    bookRow("book: prefix without space", "[AdClickEvent]ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA",
        okBook());
    // Issue 9 defect 14: the prefix in another case is the prefix, never part of the ad id.
    bookRow("book: lower-case prefix", "[adclickevent] ad001, 2021-01-01 00:00:01, user1, 207.148.22.22, USA",
        okBook());
    bookRow("book: upper-case prefix", "[ADCLICKEVENT]ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA",
        okBook());
    bookRow("book: tabs and spaces around",
        "\t[AdClickEvent]\t ad001 \t,\t2021-01-01 00:00:01  ,user1\t, "
        "207.148.22.22\t,   USA  \t",
        okBook());
    bookRow("book: click_id", book(5, "c-42"), okBook("ad001", "user1", "207.148.22.22", "USA", "c-42"));
    bookRow("book: trailing comma = no click_id", book() + ",", okBook());
    bookRow("book: user with inner space", book(2, "user 1"), okBook("ad001", "user 1"));
    bookRow("book: CRLF", book() + "\r", okBook());
    bookRow("book: BOM", "\xEF\xBB\xBF" + book(), okBook());
    bookRow("book: lower-case country", book(4, "us"), okBook("ad001", "user1", "207.148.22.22", "US"));
    bookRow("book: mixed-case country", book(4, "uSa"), okBook("ad001", "user1", "207.148.22.22", "USA"));
    bookRow("book: 2-letter country", book(4, "DE"), okBook("ad001", "user1", "207.148.22.22", "DE"));
    bookRow("book: ISO time", book(1, "2021-01-01T02:00:01+02:00"), okBook());
    bookRow("book: epoch time", book(1, "1609459201000"), okBook());
    bookRow("book: fraction", book(1, "2021-01-01 00:00:01.250"),
        ev(T + 250, "ad001", "user1", "207.148.22.22", "USA"));
    bookRow("book: IPv6", book(3, "2001:db8::1"), okBook("ad001", "user1", "2001:db8::1"));
    bookRow("book: IPv6 loopback", book(3, "::1"), okBook("ad001", "user1", "::1"));
    // Addresses come out in their one canonical spelling (issue 9 defect 12; docs/semantics.md).
    bookRow("book: IPv6 full", book(3, "2001:0db8:0000:0000:0000:ff00:0042:8329"),
        okBook("ad001", "user1", "2001:db8::ff00:42:8329"));
    bookRow("book: IPv6 upper case", book(3, "2001:DB8:0:0::1"), okBook("ad001", "user1", "2001:db8::1"));
    bookRow("book: IPv4-mapped IPv6", book(3, "::ffff:1.2.3.4"), okBook("ad001", "user1", "1.2.3.4"));
    bookRow("book: IPv4 zeros", book(3, "0.0.0.0"), okBook("ad001", "user1", "0.0.0.0"));
    bookRow("book: IPv4 max", book(3, "255.255.255.255"), okBook("ad001", "user1", "255.255.255.255"));
    bookRow("book: UTF-8 user", book(2, "ユーザー"), okBook("ad001", "ユーザー"));
    bookRow("book: 4-byte UTF-8", book(2, "u\xF0\x9F\x98\x80"), okBook("ad001", "u\xF0\x9F\x98\x80"));
    bookRow("book: ad_id 128 bytes", book(0, QByteArray(128, 'a')), okBook(QByteArray(128, 'a')));
    bookRow("book: quotes are literal", book(2, "\"u\""), okBook("ad001", "\"u\""));

    // ---- Book format: every reject ----------------------------------------------------------
    bookRow("book: one field", "ad001", rej("missing_field"));
    bookRow("book: four fields", "ad001, 2021-01-01 00:00:01, user1, 207.148.22.22", rej("missing_field"));
    bookRow("book: prefix only", "[AdClickEvent]", rej("missing_field"));
    bookRow("book: seven fields", book(5, "c1") + ", extra", rej("too_many_fields"));
    bookRow("book: empty ad_id", book(0, ""), rej("empty_ad_id"));
    bookRow("book: ad_id 129 bytes", book(0, QByteArray(129, 'a')), rej("bad_field"));
    bookRow("book: ad_id inner tab", book(0, "ad\t1"), rej("bad_field"));
    bookRow("book: bad time", book(1, "yesterday"), rej("bad_timestamp"));
    bookRow("book: Feb 29 2021", book(1, "2021-02-29 00:00:01"), rej("bad_timestamp"));
    bookRow("book: empty time", book(1, ""), rej("bad_timestamp"));
    bookRow("book: empty user", book(2, ""), rej("missing_field"));
    bookRow("book: user inner tab", book(2, "user\t1"), rej("bad_field"));
    bookRow("book: user 129 bytes", book(2, QByteArray(129, 'u')), rej("bad_field"));
    badValueRows(3, "bad_ip",
        { { "book: ip 999.1.1.1", "999.1.1.1" }, { "book: ip 256", "1.2.3.256" },
            { "book: ip 1.2.3", "1.2.3" }, { "book: ip abc", "abc" }, { "book: ip five parts", "1.2.3.4.5" },
            { "book: ip leading zero", "01.2.3.4" }, { "book: ip trailing dot", "1.2.3.4." },
            { "book: ip empty", "" }, { "book: ip with port", "1.2.3.4:80" },
            { "book: ip inner space", "1.2.3. 4" }, { "book: ipv6 triple colon", "2001:db8:::1" },
            { "book: ipv6 two ::", "1::2::3" }, { "book: ipv6 zone", "fe80::1%eth0" },
            { "book: ipv6 bad hex", "2001:db8::g" } });
    badValueRows(4, "bad_country",
        { { "book: country U5", "U5" }, { "book: country empty", "" }, { "book: country USAA", "USAA" },
            { "book: country 1 letter", "U" },
            { "book: country non-ASCII",
                "\xC3\x9C"
                "S" } });
    bookRow("book: click_id 129 bytes", book(5, QByteArray(129, 'c')), rej("bad_field"));
    bookRow("book: click_id inner tab", book(5, "c\t1"), rej("bad_field"));
    // The first failing field in the order ad_id, time, user_id, ip, country, click_id decides.
    bookRow("book: several faults", "ad1, never, , abc, U5", rej("bad_timestamp"));

    // ---- Line-level checks, whatever the format ---------------------------------------------
    badValueRows(2, "binary_bytes",
        { { "line: NUL", QByteArray("us\0er", 5) }, { "line: escape sequence", "\x1b[31mred" },
            { "line: DEL", "user\x7f" }, { "line: inner CR", "us\rer" } });
    bookRow("line: two trailing CRs", book() + "\r\r", rej("binary_bytes"));
    bookRow("line: vertical tab", book(2, "u\vx"), rej("binary_bytes"));
    badValueRows(2, "invalid_utf8",
        { { "line: 0xFF", "u\xff" }, { "line: lone continuation", "u\x80" },
            { "line: overlong slash", "u\xC0\xAF" }, { "line: overlong 3-byte", "u\xE0\x80\xAF" },
            { "line: overlong 4-byte", "u\xF0\x80\x80\xAF" }, { "line: surrogate", "u\xED\xA0\x80" },
            { "line: above U+10FFFF", "u\xF4\x90\x80\x80" }, { "line: F5 lead", "u\xF5\x80\x80\x80" } });
    bookRow("line: truncated at end", book(4, "US") + "\xE2\x82", rej("invalid_utf8"));
    bookRow("line: truncated mid", book(2, "u\xE2\x82x"), rej("invalid_utf8"));
    bookRow("line: binary wins over UTF-8", book(2, QByteArray("\xff\0", 2)), rej("binary_bytes"));
    bookRow("line: 64 KiB + 1", QByteArray(int(kMaxLineBytes) + 1, 'a'), rej("line_too_long"));
    bookRow("line: 64 KiB is not too long", QByteArray(int(kMaxLineBytes), 'a'), rej("missing_field"));
    bookRow("line: 64 KiB + CR is not too long", QByteArray(int(kMaxLineBytes), 'a') + "\r",
        rej("missing_field"));
    bookRow("blank: empty", "", kBlank);
    bookRow("blank: spaces", "    ", kBlank);
    bookRow("blank: tabs", "\t \t", kBlank);
    bookRow("blank: CR", "\r", kBlank);
    bookRow("blank: BOM", "\xEF\xBB\xBF", kBlank);

    // ---- Auto detection ---------------------------------------------------------------------
    addRow("auto: book", A, { book(), "{\"ad_id\":\"x\"}" }, { okBook(), rej("missing_field") }, J);
    addRow("auto: blank lines keep it open", A, { "", "  ", "\r" }, { kBlank, kBlank, kBlank }, A);
    addRow("auto: binary first line decides nothing", A,
        { QByteArray("\0\0", 2), "ad_id,timestamp,user_id,ip,country", "ad1,1609459201000,u,1.2.3.4,us" },
        { rej("binary_bytes"), kHeader, ev(T, "ad1", "u", "1.2.3.4", "US") }, C);
    addRow("auto: json", A, { "", "  " + json(kJsonBase) }, { kBlank, okBook() }, J);
    // Issue 9, defect 1: each line is read in the format it is in; junk decides nothing.
    addRow("auto: a book line among json lines", A, { json(kJsonBase), book() }, { okBook(), okBook() }, B);
    addRow("auto: junk first line, then json", A, { "hello world", json(kJsonBase), json(kJsonBase) },
        { rej("missing_field"), okBook(), okBook() }, J);
    addRow("auto: comment line before the csv header", A,
        { "# clicks export", "user_id,ad_id,click_timestamp,ip,country",
            "user1,ad001,2021-01-01 00:00:01,207.148.22.22,USA" },
        { rej("missing_field"), kHeader, okBook() }, C);
    addRow("auto: concatenated csv files with other column orders", A,
        { "ad_id,click_timestamp,user_id,ip,country", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA",
            "user_id,country,ip,click_timestamp,ad_id", "bob,de,::1,2021-01-01 00:00:01,ad002",
            "ad_id,click_timestamp,user_id,ip,country", "ad003,2021-01-01 00:00:01,u3,1.2.3.4,FR" },
        { kHeader, okBook(), kHeader, okBook("ad002", "bob", "::1", "DE"), kHeader,
            okBook("ad003", "u3", "1.2.3.4", "FR") },
        C);
    addRow("auto: junk between csv rows changes nothing", A,
        { "country,user_id,ip,ad_id,timestamp", "us,u1,::1,ad1,1609459201000", "hello, world",
            R"({"not":"a click"})", "us,u2,::1,ad2,1609459201000" },
        { kHeader, ev(T, "ad1", "u1", "::1", "US"), rej("missing_field"), rej("missing_field"),
            ev(T, "ad2", "u2", "::1", "US") },
        C);
    addRow("auto: json and book lines after a csv header", A,
        { "country,user_id,ip,ad_id,timestamp", json(kJsonBase),
            "[AdClickEvent] ad001, 2021-01-01 00:00:01, user1, 207.148.22.22, USA",
            "ad001, 2021-01-01 00:00:01, user1, 207.148.22.22, USA" },
        { kHeader, okBook(), okBook(), rej("bad_timestamp") }, C);
    addRow("auto: book ad id starting with a brace", A, { book(0, "{ad}") }, { okBook("{ad}") }, B);
    addRow("auto: csv ad id starting with a brace", A,
        { "ad_id,timestamp,user_id,ip,country", R"({"x",0,u,::1,us)" },
        { kHeader, ev(0, "{\"x\"", "u", "::1", "US") }, C);
    addRow("auto: broken json stays bad_json", A, { "{\"ad_id\":\"ad001\",", "{" },
        { rej("bad_json"), rej("bad_json") }, J);
    addRow("auto: a header lacking ad_id is a bad header", A, { "timestamp,user_id,ip,country", book() },
        { rej("bad_csv_header"), okBook() }, C);
    addRow("auto: csv", A,
        { "ad_id,click_timestamp,user_id,ip,country", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, okBook() }, C);
    addRow("auto: csv after blank", A,
        { "", "ad_id,timestamp,user_id,ip,country", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kBlank, kHeader, okBook() }, C);
    addRow("auto: csv header lacking ip: ip absent", A,
        { "ad_id,timestamp,user_id,country", "ad001,2021-01-01 00:00:01,user1,USA" },
        { kHeader, okBook("ad001", "user1", "") }, C);
    addRow("auto: column names without ad_id and time are a bad header", A, { "user_id,ip", book() },
        { rej("bad_csv_header"), okBook() }, C);
    addRow("auto: book with header-like spaces", A,
        { "ad_id, click_timestamp, user_id, ip, country", book() }, { kHeader, okBook() }, C);

    // ---- CSV ----------------------------------------------------------------------------------
    const QByteArray std = "ad_id,click_timestamp,user_id,ip,country";
    addRow("csv: standard", C, { std, "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, okBook() }, C);
    addRow("csv: columns in another order", C,
        { "country,ip,user_id,timestamp,ad_id", "us,::1,user1,2021-01-01 00:00:01,ad001" },
        { kHeader, okBook("ad001", "user1", "::1", "US") }, C);
    addRow("csv: header case-insensitive", C,
        { "AD_ID,Click_Timestamp,USER_ID,Ip,Country", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, okBook() }, C);
    addRow("csv: extra columns ignored", C,
        { "campaign,ad_id,click_timestamp,user_id,ip,country,referrer",
            "c9,ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA,https://x" },
        { kHeader, okBook() }, C);
    addRow("csv: click_id column", C,
        { "click_id,ad_id,click_timestamp,user_id,ip,country",
            "k7,ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, okBook("ad001", "user1", "207.148.22.22", "USA", "k7") }, C);
    addRow("csv: click_timestamp wins over timestamp", C,
        { "timestamp,ad_id,click_timestamp,user_id,ip,country",
            "junk,ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, okBook() }, C);
    addRow("csv: quoted header", C,
        { R"("ad_id","click_timestamp","user_id","ip","country")",
            R"("ad001","2021-01-01 00:00:01","user1","207.148.22.22","USA")" },
        { kHeader, okBook() }, C);
    addRow("csv: quoting", C, { std, R"("ad,001","2021-01-01 00:00:01","user ""one""",207.148.22.22,"US")" },
        { kHeader, okBook("ad,001", "user \"one\"", "207.148.22.22", "US") }, C);
    addRow("csv: escaped quote only", C, { std, R"(ad001,2021-01-01 00:00:01,"""",1.2.3.4,US)" },
        { kHeader, okBook("ad001", "\"", "1.2.3.4", "US") }, C);
    addRow("csv: quoted keeps inner spaces", C,
        { std, R"( "ad001" ,2021-01-01 00:00:01," user 1 ",1.2.3.4,US)" },
        { kHeader, okBook("ad001", " user 1 ", "1.2.3.4", "US") }, C);
    addRow("csv: unquoted trimmed", C, { std, " ad001 , 2021-01-01 00:00:01 ,\tuser1\t, 1.2.3.4 , US " },
        { kHeader, okBook("ad001", "user1", "1.2.3.4", "US") }, C);
    addRow("csv: quote inside unquoted is literal", C, { std, R"(ad"1,2021-01-01 00:00:01,u,1.2.3.4,US)" },
        { kHeader, okBook("ad\"1", "u", "1.2.3.4", "US") }, C);
    addRow("csv: CRLF", C, { std + "\r", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA\r" },
        { kHeader, okBook() }, C);
    addRow("csv: repeated header", C,
        { std, "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA", std,
            "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, okBook(), kHeader, okBook() }, C);
    addRow("csv: a different later header re-maps the columns", C,
        { std, "country,ip,user_id,click_timestamp,ad_id", "us,::1,user1,2021-01-01 00:00:01,ad001" },
        { kHeader, kHeader, okBook("ad001", "user1", "::1", "US") }, C);
    addRow("csv: a bad later header returns to the default order", C,
        { "country,ip,user_id,click_timestamp,ad_id", "ad_id,user_id,ip",
            "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { kHeader, rej("bad_csv_header"), okBook() }, C);
    addRow("csv: header in CRLF repeated in LF", C, { std + "\r", std }, { kHeader, kHeader }, C);
    addRow("csv: row shorter than header but complete", C,
        { std + ",click_id", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA",
            "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA,k1" },
        { kHeader, okBook(), okBook("ad001", "user1", "207.148.22.22", "USA", "k1") }, C);
    addRow("csv: too few fields", C, { std, "ad001,2021-01-01 00:00:01,user1,207.148.22.22" },
        { kHeader, rej("missing_field") }, C);
    addRow("csv: too many fields", C, { std, "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA,x" },
        { kHeader, rej("too_many_fields") }, C);
    addRow("csv: unterminated quote", C, { std, R"("ad001,2021-01-01 00:00:01,user1,1.2.3.4,US)" },
        { kHeader, rej("bad_field") }, C);
    addRow("csv: junk after quote", C, { std, R"("ad"x,2021-01-01 00:00:01,user1,1.2.3.4,US)" },
        { kHeader, rej("bad_field") }, C);
    addRow("csv: tab inside quotes", C, { std, "ad001,2021-01-01 00:00:01,\"u\t1\",1.2.3.4,US" },
        { kHeader, rej("bad_field") }, C);
    addRow("csv: quoted whitespace ad_id", C, { std, "\" \",2021-01-01 00:00:01,u,1.2.3.4,US" },
        { kHeader, rej("empty_ad_id") }, C);
    addRow("csv: forced without header", C,
        { "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA",
            "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA,k" },
        { okBook(), okBook("ad001", "user1", "207.148.22.22", "USA", "k") }, C);
    addRow("csv: forced without header, 7 fields", C,
        { "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA,k,x" }, { rej("too_many_fields") }, C);
    addRow("csv: forced, header without country: country absent", C,
        { "ad_id,click_timestamp,user_id,ip", "ad001,2021-01-01 00:00:01,user1,207.148.22.22",
            "ad_id,click_timestamp,user_id,ip" },
        { kHeader, okBook("ad001", "user1", "207.148.22.22", ""), kHeader }, C);
    addRow("csv: forced, header lacks ad_id", C,
        { "timestamp,user_id,ip,country", "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" },
        { rej("bad_csv_header"), okBook() }, C);
    addRow("csv: forced, blank before header", C,
        { "", std, "ad001,2021-01-01 00:00:01,user1,207.148.22.22,USA" }, { kBlank, kHeader, okBook() }, C);
    addRow("csv: bad values", C,
        { std, ",2021-01-01 00:00:01,u,1.2.3.4,US", "a,2021-13-01 00:00:01,u,1.2.3.4,US",
            "a,2021-01-01 00:00:01,,1.2.3.4,US", "a,2021-01-01 00:00:01,u,1.2.3.999,US",
            "a,2021-01-01 00:00:01,u,1.2.3.4,U1" },
        { kHeader, rej("empty_ad_id"), rej("bad_timestamp"), rej("missing_field"), rej("bad_ip"),
            rej("bad_country") },
        C);

    // ---- JSON lines -------------------------------------------------------------------------
    auto jsonRow = [&](const char* name, const QByteArray& line, const QByteArray& exp) {
        addRow(name, J, { line }, { exp }, J);
    };
    jsonRow("json: basic", json(kJsonBase), okBook());
    jsonRow("json: spaces everywhere",
        R"(  {  "ad_id" : "ad001" , "click_timestamp":	"2021-01-01 00:00:01", "user_id":"user1", "ip" : "207.148.22.22" , "country" : "USA" }  )",
        okBook());
    jsonRow("json: keys in another order",
        R"({"country":"USA","ip":"207.148.22.22","user_id":"user1","click_timestamp":"2021-01-01 00:00:01","ad_id":"ad001"})",
        okBook());
    jsonRow("json: timestamp key",
        R"({"ad_id":"ad001","timestamp":"2021-01-01T00:00:01Z","user_id":"user1","ip":"207.148.22.22","country":"USA"})",
        okBook());
    jsonRow("json: epoch integer time",
        R"({"ad_id":"ad001","timestamp":1609459201000,"user_id":"user1","ip":"207.148.22.22","country":"USA"})",
        okBook());
    jsonRow("json: epoch string time",
        R"({"ad_id":"ad001","timestamp":"1609459201000","user_id":"user1","ip":"207.148.22.22","country":"USA"})",
        okBook());
    jsonRow("json: integer ids",
        R"({"ad_id":17,"timestamp":1609459201000,"user_id":-5,"ip":"::1","country":"de","click_id":0})",
        ev(T, "17", "-5", "::1", "DE", "0"));
    jsonRow("json: click_id", jsonWith(R"("click_id":"k-1")"),
        okBook("ad001", "user1", "207.148.22.22", "USA", "k-1"));
    jsonRow("json: null click_id", jsonWith(R"("click_id":null)"), okBook());
    jsonRow("json: escapes",
        R"({"ad_id":"ad\u0030\u0031","click_timestamp":"2021-01-01 00:00:01","user_id":"\"q\" \\ \/ caf\u00e9 \ud83d\ude00 \u20AC","ip":"207.148.22.22","country":"USA"})",
        okBook("ad01", "\"q\" \\ / caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x82\xAC"));
    jsonRow("json: escaped key",
        R"({"ad\u005fid":"ad001","click_timestamp":"2021-01-01 00:00:01","user_id":"user1","ip":"207.148.22.22","country":"USA"})",
        okBook());
    jsonRow("json: raw UTF-8", jsonWith(R"("user_id":"ユーザー")"), okBook("ad001", "ユーザー"));
    jsonRow("json: unknown keys of every type",
        json(
            R"("meta":{"a":[1,2,{"b":null,"c":[[],{}]}],"s":"x\"}y"},"n":-1.5e+3,"t":true,"f":false,"z":null,)"
            R"("e":[],"o":{},"ad_i":1,"neg":-0,"exp":2E-2,)"
            + kJsonBase + R"(,"after":["]",{"}":"{"}])"),
        okBook());
    jsonRow("json: duplicate key, last wins", jsonWith(R"("ad_id":"ad002","country":"fr")"),
        okBook("ad002", "user1", "207.148.22.22", "FR"));
    jsonRow("json: duplicate key, null last", jsonWith(R"("ad_id":null)"), rej("missing_field"));
    jsonRow("json: nesting 500 deep", jsonWith("\"deep\":" + QByteArray(500, '[') + QByteArray(500, ']')),
        okBook());
    jsonRow("json: nesting 2000 deep", jsonWith("\"deep\":" + QByteArray(2000, '[') + QByteArray(2000, ']')),
        rej("bad_json"));
    jsonRow("json: lower-case country", jsonWith(R"("country":"us")"),
        okBook("ad001", "user1", "207.148.22.22", "US"));
    jsonRow("json: IPv6", jsonWith(R"("ip":"fe80::1:2")"), okBook("ad001", "user1", "fe80::1:2"));
    jsonRow("json: CRLF", json(kJsonBase) + "\r", okBook());

    jsonRow("json: empty object", "{}", rej("missing_field"));
    jsonRow("json: missing ip: absent",
        R"({"ad_id":"ad001","click_timestamp":"2021-01-01 00:00:01","user_id":"user1","country":"USA"})",
        okBook("ad001", "user1", ""));
    jsonRow("json: missing time", R"({"ad_id":"ad001","user_id":"user1","ip":"1.2.3.4","country":"USA"})",
        rej("missing_field"));
    jsonRow("json: key names ignore case",
        R"({"AD_ID":"ad001","click_timestamp":"2021-01-01 00:00:01","user_id":"user1","ip":"207.148.22.22","country":"USA"})",
        okBook());
    jsonRow("json: null user: absent", jsonWith(R"("user_id":null)"), okBook("ad001", ""));
    jsonRow("json: empty ad_id", jsonWith(R"("ad_id":"")"), rej("empty_ad_id"));
    jsonRow("json: blank ad_id", jsonWith(R"("ad_id":"  ")"), rej("empty_ad_id"));
    jsonRow("json: empty user", jsonWith(R"("user_id":"")"), rej("missing_field"));
    jsonRow("json: ad_id true", jsonWith(R"("ad_id":true)"), rej("bad_field"));
    jsonRow("json: ad_id float", jsonWith(R"("ad_id":1.5)"), rej("bad_field"));
    jsonRow("json: ad_id object", jsonWith(R"("ad_id":{"x":1})"), rej("bad_field"));
    jsonRow("json: user array", jsonWith(R"("user_id":["u"])"), rej("bad_field"));
    jsonRow("json: click_id false", jsonWith(R"("click_id":false)"), rej("bad_field"));
    jsonRow("json: ad_id with \\t", jsonWith(R"("ad_id":"a\tb")"), rej("bad_field"));
    jsonRow("json: user with \\n", jsonWith(R"("user_id":"a\nb")"), rej("bad_field"));
    jsonRow("json: user with \\u0000", jsonWith(R"("user_id":"a\u0000b")"), rej("bad_field"));
    jsonRow("json: click_id with \\u007f", jsonWith(R"("click_id":"a\u007fb")"), rej("bad_field"));
    // 128/129 bytes after unescaping: 42 × "\u20ac" is 252 bytes of JSON but 126 bytes of UTF-8.
    jsonRow("json: user 128 bytes after unescape",
        jsonWith("\"user_id\":\"uu" + QByteArray("\\u20ac").repeated(42) + "\""),
        okBook("ad001", "uu" + QByteArray("\xE2\x82\xAC").repeated(42)));
    jsonRow("json: user 129 bytes after unescape",
        jsonWith("\"user_id\":\"uuu" + QByteArray("\\u20ac").repeated(42) + "\""), rej("bad_field"));
    jsonRow("json: time float", jsonWith(R"("click_timestamp":1609459201000.0)"), rej("bad_timestamp"));
    jsonRow("json: time negative", jsonWith(R"("click_timestamp":-1)"), rej("bad_timestamp"));
    jsonRow("json: time bool", jsonWith(R"("click_timestamp":true)"), rej("bad_timestamp"));
    jsonRow("json: time junk", jsonWith(R"("click_timestamp":"soon")"), rej("bad_timestamp"));
    jsonRow("json: ip number", jsonWith(R"("ip":1234)"), rej("bad_ip"));
    jsonRow("json: ip junk", jsonWith(R"("ip":"1.2.3")"), rej("bad_ip"));
    jsonRow("json: country array", jsonWith(R"("country":["US"])"), rej("bad_country"));
    jsonRow("json: country USAA", jsonWith(R"("country":"USAA")"), rej("bad_country"));
    jsonRow("json: wrong types, first field decides",
        R"({"ad_id":"","click_timestamp":true,"user_id":"u","ip":"1.2.3.4","country":"US"})",
        rej("empty_ad_id"));

    jsonRow("bad json: array", "[1,2]", rej("bad_json"));
    jsonRow("bad json: string", "\"ad\"", rej("bad_json"));
    jsonRow("bad json: unclosed", "{\"ad_id\":\"ad001\"", rej("bad_json"));
    jsonRow("bad json: open brace", "{", rej("bad_json"));
    jsonRow("bad json: trailing garbage", json(kJsonBase) + " x", rej("bad_json"));
    jsonRow("bad json: two objects", json(kJsonBase) + "{}", rej("bad_json"));
    jsonRow("bad json: trailing comma", json(kJsonBase + ","), rej("bad_json"));
    jsonRow("bad json: leading comma", json("," + kJsonBase), rej("bad_json"));
    jsonRow("bad json: single quotes", "{'ad_id':'ad001'}", rej("bad_json"));
    jsonRow("bad json: unquoted key", "{ad_id:\"ad001\"}", rej("bad_json"));
    jsonRow("bad json: missing colon", "{\"ad_id\" \"ad001\"}", rej("bad_json"));
    jsonRow("bad json: missing value", "{\"ad_id\":}", rej("bad_json"));
    jsonRow("bad json: leading zero", jsonWith(R"("n":01)"), rej("bad_json"));
    jsonRow("bad json: bare minus", jsonWith(R"("n":-)"), rej("bad_json"));
    jsonRow("bad json: plus", jsonWith(R"("n":+1)"), rej("bad_json"));
    jsonRow("bad json: dot without digits", jsonWith(R"("n":1.)"), rej("bad_json"));
    jsonRow("bad json: exponent without digits", jsonWith(R"("n":1e)"), rej("bad_json"));
    jsonRow("bad json: number then letters", jsonWith(R"("ad_id":12ab)"), rej("bad_json"));
    jsonRow("bad json: tru", jsonWith(R"("t":tru)"), rej("bad_json"));
    jsonRow("bad json: nul", jsonWith(R"("ad_id":nul)"), rej("bad_json"));
    jsonRow("bad json: NaN", jsonWith(R"("n":NaN)"), rej("bad_json"));
    jsonRow("bad json: lone high surrogate", jsonWith(R"("user_id":"\ud83d")"), rej("bad_json"));
    jsonRow("bad json: high surrogate + letter", jsonWith(R"("user_id":"\ud83dx")"), rej("bad_json"));
    jsonRow("bad json: high + high surrogate", jsonWith(R"("user_id":"\ud83d\ud83d")"), rej("bad_json"));
    jsonRow("bad json: lone low surrogate", jsonWith(R"("user_id":"\ude00")"), rej("bad_json"));
    jsonRow("bad json: lone surrogate in unknown key", jsonWith(R"("x":"\ud800")"), rej("bad_json"));
    jsonRow("bad json: short \\u", jsonWith(R"("user_id":"\u12")"), rej("bad_json"));
    jsonRow("bad json: bad hex", jsonWith(R"("user_id":"\u12g4")"), rej("bad_json"));
    jsonRow("bad json: unknown escape", jsonWith(R"("user_id":"\x41")"), rej("bad_json"));
    jsonRow("bad json: raw tab in string", jsonWith("\"user_id\":\"a\tb\""), rej("bad_json"));
    jsonRow("bad json: unterminated string", "{\"ad_id\":\"ad001", rej("bad_json"));
    jsonRow("bad json: backslash at end", "{\"ad_id\":\"ad001\\", rej("bad_json"));
    jsonRow("bad json: mismatched brackets", jsonWith(R"("x":[1,2})"), rej("bad_json"));
    jsonRow("bad json: unclosed nested", jsonWith(R"("x":{"a":[1)"), rej("bad_json"));
    jsonRow("bad json: nested trailing comma", jsonWith(R"("x":[1,])"), rej("bad_json"));
    jsonRow("bad json: nested missing key", jsonWith(R"("x":{1:2})"), rej("bad_json"));
    jsonRow("bad json: nested missing colon", jsonWith(R"("x":{"a" 2})"), rej("bad_json"));
    jsonRow("bad json: book line", book(), rej("bad_json"));
    addRow("bad json: auto, later garbage", A, { json(kJsonBase), "{\"a\":1", "not json", json(kJsonBase) },
        { okBook(), rej("bad_json"), rej("missing_field"), okBook() }, J);
}

void TestLineParser::parse()
{
    QFETCH(int, format);
    QFETCH(QByteArrayList, lines);
    QFETCH(QByteArrayList, expected);
    QFETCH(int, resolved);
    QCOMPARE(lines.size(), expected.size());

    LineParser parser(static_cast<LineFormat>(format));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        ClickEvent e;
        const ParseOutcome o
            = parser.parse(std::string_view(lines[i].constData(), size_t(lines[i].size())), e);
        if (o.kind != LineKind::Rejected) QCOMPARE(o.reason, RejectReason::Count);
        QCOMPARE(describe(o, e), expected[i]);
    }
    QCOMPARE(int(parser.format()), resolved);
}

void TestLineParser::formatNames()
{
    const LineFormat all[] = { LineFormat::Auto, LineFormat::Book, LineFormat::Csv, LineFormat::Jsonl };
    const char* names[] = { "auto", "book", "csv", "jsonl" };
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(lineFormatName(all[i]), std::string_view(names[i]));
        LineFormat f = LineFormat::Auto;
        QVERIFY(parseLineFormat(names[i], f));
        QCOMPARE(f, all[i]);
    }
    LineFormat f = LineFormat::Book;
    for (const char* bad : { "", "Auto", "JSON", "json", "tsv", "csv " }) {
        QVERIFY2(!parseLineFormat(bad, f), bad);
        QCOMPARE(f, LineFormat::Book);
    }
}

void TestLineParser::reasonNames()
{
    // Stable names: stored in databases and printed in JSON. Changing one is a format break.
    const char* expected[] = { "missing_field", "too_many_fields", "empty_ad_id", "bad_timestamp", "bad_ip",
        "bad_country", "bad_field", "bad_json", "bad_csv_header", "binary_bytes", "invalid_utf8",
        "line_too_long", "future" };
    QCOMPARE(std::size(expected), kRejectReasonCount);
    for (std::size_t i = 0; i < kRejectReasonCount; ++i)
        QCOMPARE(rejectReasonName(static_cast<RejectReason>(i)), std::string_view(expected[i]));
}

// The same click in the three formats gives byte-identical fields.
void TestLineParser::fieldsOfEveryFormatAgree()
{
    const QByteArray bookLine
        = "[AdClickEvent] ad-9, 2021-01-01T01:00:01.5+01:00, user 9, 2001:db8::9, fr, k9";
    const QByteArray csvLines[] = { "click_id,ad_id,timestamp,user_id,ip,country",
        R"("k9","ad-9",2021-01-01 00:00:01.500,"user 9",2001:db8::9,FR)" };
    const QByteArray jsonLine
        = R"({"click_id":"k9","ad_id":"ad-9","timestamp":1609459201500,"user_id":"user 9","ip":"2001:db8::9","country":"fr"})";
    const QByteArray want = ev(T + 500, "ad-9", "user 9", "2001:db8::9", "FR", "k9");

    ClickEvent e;
    LineParser b;
    QCOMPARE(describe(b.parse(bookLine.toStdString(), e), e), want);
    LineParser c;
    QCOMPARE(describe(c.parse(csvLines[0].toStdString(), e), e), kHeader);
    QCOMPARE(describe(c.parse(csvLines[1].toStdString(), e), e), want);
    LineParser j;
    QCOMPARE(describe(j.parse(jsonLine.toStdString(), e), e), want);
}

// ≥ 5 M lines/s needs the steady state to stay off the heap: no allocation per line.
void TestLineParser::noAllocationsInSteadyState()
{
    const std::string lines[] = {
        "ad_id,click_timestamp,user_id,ip,country,click_id",
        R"(ad001,2021-01-01 00:00:01,"user ""1""",207.148.22.22,us,k1)",
        "ad001,2021-01-01 00:00:01,user1,2001:db8::1,USA,k2",
        "ad001,2021-01-01 00:00:01,user1,1.2.3,USA,k2",
        "ad_id,click_timestamp,user_id,ip,country,click_id",
    };
    const std::string jsonLines[] = {
        R"({"ad_id":"ad\u0030","timestamp":1609459201000,"user_id":"\ud83d\ude00","ip":"::1","country":"de","x":[{"y":null}]})",
        R"({"ad_id":1,"timestamp":"2021-01-01T00:00:01Z","user_id":"u","ip":"1.2.3.4","country":"US"})",
        R"({"ad_id":1,"timestamp":"2021-01-01T00:00:01Z"})",
    };
    const std::string bookLine = "[AdClickEvent] ad001, 2021-01-01 00:00:01, user 1, 207.148.22.22, usa";
    LineParser csv, jsonl, bk;
    ClickEvent e;
    auto runAll = [&] {
        for (const auto& l : lines)
            csv.parse(l, e);
        for (const auto& l : jsonLines)
            jsonl.parse(l, e);
        bk.parse(bookLine, e);
    };
    const long start = g_allocations.load();
    runAll(); // warm-up: header, scratch and field vectors reach their size
    const long before = g_allocations.load();
    QVERIFY(before > start); // the counter sees the parser's allocations
    for (int i = 0; i < 10'000; ++i)
        runAll();
    QCOMPARE(g_allocations.load() - before, 0L);
}

// A long line grows the scratch buffer; earlier results are gone by then (documented), but the
// new ones must be intact.
void TestLineParser::scratchSurvivesGrowth()
{
    LineParser p(LineFormat::Jsonl);
    ClickEvent e;
    QCOMPARE(
        describe(
            p.parse(R"({"ad_id":"a\u0031","ts":0,"timestamp":0,"user_id":"u","ip":"::1","country":"us"})", e),
            e),
        ev(0, "a1", "u", "::1", "US"));
    const std::string big = R"({"pad":")" + std::string(60'000, 'p')
        + R"(","ad_id":"b\u0032","timestamp":0,"user_id":"\u0076","ip":"::1","country":"fr"})";
    QCOMPARE(describe(p.parse(big, e), e), ev(0, "b2", "v", "::1", "FR"));
}

// A parser restored from state() at any line reads the lines after it as the parser that read
// every line before it (what a resume after a restart relies on).
void TestLineParser::restoredParserReadsOnAlike_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QByteArrayList>("lines");
    const QByteArrayList csvMix { "# export of 2021-01-01", "country,user_id,ip,ad_id,timestamp",
        "us,u1,::1,ad1,1609459201000", "junk", "ad_id,click_timestamp,user_id,ip,country",
        "ad2,1609459201000,u2,::1,de",
        "{\"ad_id\":\"j\",\"timestamp\":0,\"user_id\":\"u\",\"ip\":\"::1\",\"country\":\"fr\"}",
        "ad_id,timestamp,user_id", "ad3,1609459201000,u3,::1,gb", "country,user_id,ip,ad_id,timestamp",
        "us,u4,::1,ad4,1609459201000" };
    QTest::newRow("auto") << int(LineFormat::Auto) << csvMix;
    QTest::newRow("csv") << int(LineFormat::Csv) << csvMix;
    QTest::newRow("book") << int(LineFormat::Book) << csvMix;
    QTest::newRow("jsonl") << int(LineFormat::Jsonl) << csvMix;
}

void TestLineParser::restoredParserReadsOnAlike()
{
    QFETCH(int, format);
    QFETCH(QByteArrayList, lines);
    auto verdicts = [&](LineParser& p, qsizetype from) {
        QByteArrayList out;
        for (qsizetype i = from; i < lines.size(); ++i) {
            ClickEvent e;
            out << describe(p.parse(std::string_view(lines[i].constData(), size_t(lines[i].size())), e), e);
        }
        return out;
    };
    LineParser whole(static_cast<LineFormat>(format));
    const QByteArrayList all = verdicts(whole, 0);
    for (qsizetype cut = 0; cut <= lines.size(); ++cut) {
        LineParser first(static_cast<LineFormat>(format));
        ClickEvent e;
        for (qsizetype i = 0; i < cut; ++i)
            first.parse(std::string_view(lines[i].constData(), size_t(lines[i].size())), e);
        LineParser resumed(static_cast<LineFormat>(format));
        resumed.restore(first.state());
        QCOMPARE(resumed.state(), first.state());
        QCOMPARE(verdicts(resumed, cut), all.mid(cut));
    }
    // Any stored text restores to some parser that works; a fresh one for an empty state.
    LineParser odd(static_cast<LineFormat>(format));
    odd.restore(QByteArray("\0\xff,\"", 4).toStdString());
    verdicts(odd, 0);
    odd.restore("");
    QCOMPARE(verdicts(odd, 0), all);
}

// Issue 9, defect 13: a CSV record whose quoted field holds a line break (RFC 4180).
void TestLineParser::quotedLineBreaks()
{
    using RE = LineParser::RecordEnd;
    QCOMPARE(LineParser::csvRecordEnd("a,b,c", ','), RE::Complete);
    QCOMPARE(LineParser::csvRecordEnd("\"ad", ','), RE::Open);
    QCOMPARE(LineParser::csvRecordEnd("\"ad\n1\",2021", ','), RE::Complete);
    QCOMPARE(LineParser::csvRecordEnd("a, \"x\"\" y", ','), RE::Open);
    QCOMPARE(LineParser::csvRecordEnd("a, \"x\"\"\"", ','), RE::Complete);
    QCOMPARE(LineParser::csvRecordEnd("a\"b,c", ','), RE::Complete); // a quote inside a field is literal
    QCOMPARE(LineParser::csvRecordEnd("\"a\"b,c", ','), RE::Broken);
    QCOMPARE(LineParser::csvRecordEnd("\"a\" , \"b", ','), RE::Open);

    const std::string header = "ad_id,click_timestamp,user_id,ip,country,note";
    LineParser csv;
    ClickEvent e;
    QVERIFY(!csv.opensRecord("ad1,2021-01-01 00:00:01,u,::1,us,\"note")); // book until a header
    QCOMPARE(describe(csv.parse(header, e), e), kHeader);
    QVERIFY(csv.opensRecord("ad1,2021-01-01 00:00:01,u,::1,us,\"note"));
    QVERIFY(csv.opensRecord("\xEF\xBB\xBF\"ad\r"));
    QVERIFY(!csv.opensRecord("ad1,2021-01-01 00:00:01,u,::1,us,\"note\""));
    QVERIFY(!csv.opensRecord("{\"ad_id\":\"x"));
    QVERIFY(!csv.opensRecord("[AdClickEvent] \"ad"));
    QVERIFY(!csv.opensRecord("\"ad\x01")); // rejected for its bytes, alone
    // A line break in a column the parser ignores is content; in a click field it is rejected.
    QCOMPARE(describe(csv.parseRecord("ad1,2021-01-01 00:00:01,u,::1,us,\"two\nlines\"", e), e),
        ev(T, "ad1", "u", "::1", "US"));
    QCOMPARE(describe(csv.parseRecord("\"ad\n1\",2021-01-01 00:00:01,u,::1,us,", e), e), rej("bad_field"));
    // Only parseRecord allows it, and only in a CSV row.
    QCOMPARE(
        describe(csv.parse("ad1,2021-01-01 00:00:01,u,::1,us,\"two\nlines\"", e), e), rej("binary_bytes"));
    QCOMPARE(describe(csv.parseRecord("{\"ad_id\":\n1}", e), e), rej("binary_bytes"));
    LineParser book(LineFormat::Book);
    QVERIFY(!book.opensRecord("\"ad"));
    QCOMPARE(
        describe(book.parseRecord("\"a\nd\", 2021-01-01 00:00:01, u, ::1, us", e), e), rej("binary_bytes"));
    LineParser forced(LineFormat::Csv);
    QVERIFY(forced.opensRecord("ad1,2021-01-01 00:00:01,\"u"));
}

// Issue 10: --map, synonyms, optional fields, country names.
void TestLineParser::columnMap_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QStringList>("maps");
    QTest::addColumn<QByteArrayList>("lines");
    QTest::addColumn<QByteArrayList>("expected");
    const auto A = int(LineFormat::Auto), C = int(LineFormat::Csv), J = int(LineFormat::Jsonl);
    const QByteArray t = "2021-01-01 00:00:01";

    QTest::newRow("csv: foreign names mapped, extra columns ignored")
        << A
        << QStringList { "ad_id=app", "click_timestamp=when", "user_id=visitor", "ip=addr", "country=land" }
        << QByteArrayList { "when,app,device,visitor,addr,land,os", t + ",a1,dev,u1,1.2.3.4,de,ios" }
        << QByteArrayList { kHeader, ev(T, "a1", "u1", "1.2.3.4", "DE") };
    QTest::newRow("csv: synonyms in any case, extra columns ignored")
        << A << QStringList {}
        << QByteArrayList { "clickTs,adId,userId,Client_IP,countryCode,channel,event_id",
               t + ",a1,u1,::1,FR,ch9,e7" }
        << QByteArrayList { kHeader, ev(T, "a1", "u1", "::1", "FR", "e7") };
    QTest::newRow("csv: names with blanks or hyphens between words (a spreadsheet's header)")
        << A << QStringList {}
        << QByteArrayList { "Ad Name,Click Time,Ad ID,User ID,IP Address,Country-Code,Event-ID",
               QByteArray("Spring,") + t + ",a1,u1,1.2.3.4,DE,e7" }
        << QByteArrayList { kHeader, ev(T, "a1", "u1", "1.2.3.4", "DE", "e7") };
    QTest::newRow("csv: the own name beats a synonym")
        << C << QStringList {} << QByteArrayList { "time,ad,click_timestamp,ad_id", "x,y," + t + ",a1" }
        << QByteArrayList { kHeader, ev(T, "a1", "", "", "") };
    QTest::newRow("csv: TalkingData header, ip= says there is no ip")
        << A << QStringList { "ad_id=app", "ip=" }
        << QByteArrayList { "ip,app,device,os,channel,click_time,attributed_time,is_attributed",
               "83230,3,1,13,379," + t + ",,0" }
        << QByteArrayList { kHeader, ev(T, "3", "", "", "") };
    QTest::newRow("csv: an ip column that holds no address is a reject")
        << A << QStringList { "ad_id=app" } << QByteArrayList { "ip,app,click_time", "83230,3," + t }
        << QByteArrayList { kHeader, rej("bad_ip") };
    QTest::newRow("csv: header without a time column")
        << A << QStringList {} << QByteArrayList { "ad_id,user_id,ip", "a1,u1,1.2.3.4" }
        << QByteArrayList { rej("bad_csv_header"), rej("missing_field") };
    QTest::newRow("csv: a mapped column missing from the header")
        << C << QStringList { "user_id=visitor" } << QByteArrayList { "ad_id,click_timestamp,user" }
        << QByteArrayList { rej("bad_csv_header") };
    QTest::newRow("csv: country names and codes")
        << A << QStringList {}
        << QByteArrayList { "ad_id,ts,country", "a1," + t + ",Germany", "a1," + t + ",south korea",
               "a1," + t + ",DEU", "a1," + t + ",Narnia", "a1," + t + ",C\xC3\xB4te d'Ivoire" }
        << QByteArrayList { kHeader, ev(T, "a1", "", "", "DE"), ev(T, "a1", "", "", "KR"),
               ev(T, "a1", "", "", "DEU"), rej("bad_country"), ev(T, "a1", "", "", "CI") };
    QTest::newRow("json: synonyms, absent optional fields")
        << J << QStringList {}
        << QByteArrayList { R"({"adId":"a1","ts":")" + t + R"(","geo":"Canada"})",
               R"({"campaign_id":"a2","event_time":")" + t + R"(","uid":"u2","client_ip":"1.2.3.4"})" }
        << QByteArrayList { ev(T, "a1", "", "", "CA"), ev(T, "a2", "u2", "1.2.3.4", "") };
    QTest::newRow("json: nested keys by dotted path")
        << J << QStringList { "ad_id=ad.id", "click_timestamp=meta.time.utc", "ip=client.ip" }
        << QByteArrayList { R"({"ad":{"id":"a1","name":"x"},"meta":{"time":{"utc":")" + t
                   + R"("}},"client":{"ip":"::1"},"ip":"junk"})",
               R"({"ad":{"name":"x"},"meta":{"time":{"utc":")" + t + R"("}}})",
               R"({"ad":"flat","ad_id":"a1","meta":{"time":{"utc":")" + t + R"("}}})" }
        << QByteArrayList { ev(T, "a1", "", "::1", ""), rej("missing_field"), rej("missing_field") };
    QTest::newRow("json: a mapped field ignores its default name")
        << J << QStringList { "user_id=" }
        << QByteArrayList { R"({"ad_id":"a1","click_timestamp":")" + t + R"(","user_id":"u1"})" }
        << QByteArrayList { ev(T, "a1", "", "", "") };
    QTest::newRow("json: ad_id and time stay required")
        << J << QStringList {} << QByteArrayList { R"({"user_id":"u1","click_timestamp":")" + t + R"("})" }
        << QByteArrayList { rej("missing_field") };
}

void TestLineParser::columnMap()
{
    QFETCH(int, format);
    QFETCH(QStringList, maps);
    QFETCH(QByteArrayList, lines);
    QFETCH(QByteArrayList, expected);
    ParserOptions options;
    options.format = static_cast<LineFormat>(format);
    for (const QString& m : maps) {
        std::string error;
        QVERIFY2(addColumnMapping(m.toStdString(), options.map, error), error.c_str());
    }
    LineParser parser(options);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        ClickEvent e;
        const ParseOutcome o
            = parser.parse(std::string_view(lines[i].constData(), size_t(lines[i].size())), e);
        QCOMPARE(describe(o, e), expected[i]);
    }
}

void TestLineParser::columnMapTextRoundTrip()
{
    ColumnMap map;
    std::string error;
    QVERIFY(addColumnMapping("ad_id=app", map, error));
    QVERIFY(addColumnMapping("ip=", map, error));
    QVERIFY(!addColumnMapping("ip=x", map, error)); // twice
    QVERIFY(!addColumnMapping("adid=x", map, error)); // not a field name
    QVERIFY(!addColumnMapping("click_timestamp=", map, error)); // required
    QVERIFY(!addColumnMapping("user_id=a,b", map, error));
    QCOMPARE(columnMapText(map), std::string("ad_id=app, ip="));
    ColumnMap back;
    QVERIFY(parseColumnMapText(columnMapText(map), back));
    QVERIFY(back == map);
    QVERIFY(parseColumnMapText("", back) && back.empty());
}

void TestLineParser::headerProblemNamesMap()
{
    LineParser parser(LineFormat::Auto);
    ClickEvent e;
    const ParseOutcome o
        = parser.parse("ip,app,device,os,channel,click_time,attributed_time,is_attributed", e);
    QCOMPARE(describe(o, e), rej("bad_csv_header"));
    const std::string& why = parser.headerProblem();
    QVERIFY2(why.find("ad_id") != std::string::npos && why.find("--map ad_id=app") != std::string::npos
            && why.find("ip, app, device, os, channel, click_time, attributed_time, is_attributed")
                != std::string::npos,
        why.c_str());
}

void TestLineParser::stateKeepsColumnMap()
{
    ParserOptions options; // Auto, no map
    std::string error;
    QVERIFY(addColumnMapping("ad_id=app", options.map, error));
    LineParser first(options);
    ClickEvent e;
    QCOMPARE(describe(first.parse("app,click_time,ip", e), e), kHeader);
    const std::string state = first.state();
    QVERIFY(LineParser::storedColumnMap(state) == options.map);
    QVERIFY(!LineParser::storedColumnMap("ad_id,click_timestamp"));
    // A parser without --map restored from that state reads on with the stored map.
    LineParser resumed(LineFormat::Auto);
    resumed.restore(state);
    QCOMPARE(describe(resumed.parse("a7,2021-01-01 00:00:01,::1", e), e), ev(T, "a7", "", "::1", ""));
    QCOMPARE(resumed.columnsInUse(),
        std::string(
            "ad_id=app, click_timestamp=click_time, user_id=(none), ip=ip, country=(none), click_id=(none)"));
}

// The same lines written with each delimiter read alike: a header first, quoted fields holding
// the delimiter, blanks around fields, an empty column (two tabs in a row are one empty field, not
// padding); a comma is plain text in a ';' row.
void TestLineParser::delimiters_data()
{
    QTest::addColumn<QByteArray>("delimiter");
    QTest::newRow("comma") << QByteArray(",");
    QTest::newRow("semicolon") << QByteArray(";");
    QTest::newRow("bar") << QByteArray("|");
    QTest::newRow("tab") << QByteArray("\t");
}

void TestLineParser::delimiters()
{
    QFETCH(QByteArray, delimiter);
    ParserOptions options;
    QVERIFY(parseDelimiter(std::string_view(delimiter.constData(), 1), options.delimiter));
    LineParser parser(options);
    const auto row = [&](QByteArrayList fields) { return fields.join(delimiter).toStdString(); };
    const QByteArray sep = delimiter == "\t" ? QByteArray("<tab>") : delimiter;
    const std::vector<std::string> lines = {
        row({ "click_id", "ad_id", "click_timestamp", "note", "user_id", "ip", "country" }),
        row({ "c1", "a1", "2021-01-01T00:00:01Z", "x", "u1", "1.2.3.4", "DE" }),
        row({ "c2", " a2 ", "2021-01-01T00:00:01Z", "", "u2", "1.2.3.4", "fr" }), // padding; an empty column
        row({ "c3", "\"a" + delimiter + "3\"", "2021-01-01T00:00:01Z", "x", "\"u \"\"x\"\"\"", "::1", "DE" }),
        row({ "c4", "a4", "2021-01-01T00:00:01Z", "x", "u4", "1.2.3.4", "DE", "extra" }),
        row({ "c5", "a5" }),
    };
    const QByteArrayList expected = {
        kHeader,
        ev(T, "a1", "u1", "1.2.3.4", "DE", "c1"),
        ev(T, "a2", "u2", "1.2.3.4", "FR", "c2"),
        // A tab is no byte of a click field, quoted or not (the raw store is tab-separated).
        delimiter == "\t" ? rej("bad_field") : ev(T, "a" + delimiter + "3", "u \"x\"", "::1", "DE", "c3"),
        rej("too_many_fields"),
        rej("missing_field"),
    };
    for (std::size_t i = 0; i < lines.size(); ++i) {
        ClickEvent e;
        const ParseOutcome o = parser.parse(lines[i], e);
        QVERIFY2(describe(o, e) == expected[i],
            (sep + " line " + QByteArray::number(qsizetype(i)) + ": " + describe(o, e)).constData());
    }
    // Another delimiter than ',' reads CSV only: a book line is one field too few.
    if (options.delimiter != ',') {
        QCOMPARE(int(parser.format()), int(LineFormat::Csv));
        LineParser fresh(options);
        ClickEvent e;
        QCOMPARE(describe(fresh.parse("a1,2021-01-01T00:00:01Z,u1,1.2.3.4,DE", e), e), rej("missing_field"));
        QCOMPARE(describe(fresh.parse(row({ "a1", "2021-01-01T00:00:01Z", "u1", "1.2.3.4", "DE" }), e), e),
            ev(T, "a1", "u1", "1.2.3.4", "DE"));
        // A ';' row holding commas: they are text (a user id may hold one).
        if (options.delimiter == ';')
            QCOMPARE(describe(fresh.parse("a1;2021-01-01T00:00:01Z;u,1;1.2.3.4;DE", e), e),
                ev(T, "a1", "u,1", "1.2.3.4", "DE"));
    }
    // Quoting across lines follows the same separator.
    QCOMPARE(LineParser::csvRecordEnd(row({ "a", "\"b" }), options.delimiter), LineParser::RecordEnd::Open);
    QCOMPARE(
        LineParser::csvRecordEnd(row({ "\"a\"", "b" }), options.delimiter), LineParser::RecordEnd::Complete);
    QCOMPARE(LineParser::csvRecordEnd(("\"a\"x" + delimiter + "b").toStdString(), options.delimiter),
        LineParser::RecordEnd::Broken);
}

void TestLineParser::delimiterNames()
{
    char d = 0;
    for (const char* text : { ",", ";", "|" }) {
        QVERIFY(parseDelimiter(text, d));
        QCOMPARE(d, text[0]);
        QCOMPARE(delimiterName(d), std::string(text));
    }
    for (const char* text : { "tab", "\t", "\\t" }) {
        QVERIFY2(parseDelimiter(text, d), text);
        QCOMPARE(d, '\t');
    }
    QCOMPARE(delimiterName('\t'), std::string("tab"));
    for (const char* text : { "", ":", ";;", " ", "t", "comma", "\"" })
        QVERIFY2(!parseDelimiter(text, d), text);
}

void TestLineParser::stateKeepsDelimiter()
{
    ParserOptions options;
    options.delimiter = '\t';
    std::string error;
    QVERIFY(addColumnMapping("ad_id=app", options.map, error));
    LineParser first(options);
    ClickEvent e;
    QCOMPARE(describe(first.parse("app\tclick_time\tip", e), e), kHeader);
    const std::string state = first.state();
    QCOMPARE(LineParser::storedDelimiter(state), std::optional<char>('\t'));
    QVERIFY(LineParser::storedColumnMap(state) == options.map); // the sections before it still read
    QVERIFY(!LineParser::storedDelimiter("ad_id,click_timestamp")); // a state of an older version
    QVERIFY(!LineParser::storedDelimiter(LineParser(ParserOptions {}).state()));
    // A parser given no delimiter, restored from that state, splits at tabs under the stored header.
    LineParser resumed(LineFormat::Auto);
    resumed.restore(state);
    QCOMPARE(resumed.options().delimiter, '\t');
    QCOMPARE(describe(resumed.parse("a7\t2021-01-01 00:00:01\t::1", e), e), ev(T, "a7", "", "::1", ""));
    QCOMPARE(describe(resumed.parse("a7,2021-01-01 00:00:01,::1", e), e), rej("missing_field"));
}

QTEST_APPLESS_MAIN(TestLineParser)
#include "tst_line_parser.moc"
