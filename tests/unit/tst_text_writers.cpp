// The exact bytes of the shared text encodings: CSV fields (RFC 4180) and JSON string literals
// (RFC 8259). Every output of the CLI and the GUI writes values through these two.
#include "core/base/text_writers.h"

#include <QtTest>

#include <string>

using namespace adclick::core;

namespace {

using namespace std::string_literals; // "a\0b"s keeps the NUL

//! Compared as QByteArray, so a failure prints the bytes.
QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

} // namespace

class TestTextWriters : public QObject {
    Q_OBJECT
private slots:
    void csvPlainFieldsAreWrittenAsTheyAre()
    {
        QCOMPARE(bytes(csvField("")), bytes(""s));
        QCOMPARE(bytes(csvField("ad000001")), bytes("ad000001"s));
        QCOMPARE(bytes(csvField("2021-01-01T00:00:00.000Z")), bytes("2021-01-01T00:00:00.000Z"s));
        QCOMPARE(bytes(csvField("inner space")), bytes("inner space"s));
        QCOMPARE(bytes(csvField("tab\tinside")), bytes("tab\tinside"s)); // a tab is no separator in CSV
        QCOMPARE(bytes(csvField("back\\slash")), bytes("back\\slash"s));
        QCOMPARE(bytes(csvField("caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80")),
            bytes("caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"s));
        QCOMPARE(bytes(csvField("ctl\x01"
                                "del\x7F")),
            bytes("ctl\x01"
                  "del\x7F"s));
        QCOMPARE(bytes(csvField("bad\xFF")), bytes("bad\xFF"s)); // bytes are bytes: no UTF-8 check in CSV
    }

    void csvQuotesWhatWouldBreakTheRow()
    {
        QCOMPARE(bytes(csvField("a,b")), bytes("\"a,b\""s));
        QCOMPARE(bytes(csvField(",")), bytes("\",\""s));
        QCOMPARE(bytes(csvField("say \"hi\"")), bytes("\"say \"\"hi\"\"\""s));
        QCOMPARE(bytes(csvField("\"")), bytes("\"\"\"\""s));
        QCOMPARE(bytes(csvField("two\nlines")), bytes("\"two\nlines\""s));
        QCOMPARE(bytes(csvField("cr\rlf")), bytes("\"cr\rlf\""s));
        QCOMPARE(bytes(csvField("\r\n")), bytes("\"'\r\n\""s)); // a leading CR is a formula start too
        QCOMPARE(bytes(csvField("ad \"q\",x")), bytes("\"ad \"\"q\"\",x\""s));
        QCOMPARE(bytes(csvField("country in (KR,US) and user_id!=\"a,b\"")),
            bytes("\"country in (KR,US) and user_id!=\"\"a,b\"\"\""s));
    }

    void csvQuotesEdgeSpacesOnly()
    {
        QCOMPARE(bytes(csvField(" lead")), bytes("\" lead\""s));
        QCOMPARE(bytes(csvField("trail ")), bytes("\"trail \""s));
        QCOMPARE(bytes(csvField("  sp  ")), bytes("\"  sp  \""s));
        QCOMPARE(bytes(csvField(" ")), bytes("\" \""s));
        QCOMPARE(bytes(csvField("\ttab edge")), bytes("'\ttab edge"s)); // no edge blank, but a formula start
    }

    // Issue 9 defect 14: a cell a spreadsheet would run as a formula (an ad id `=cmd|' /C calc'!A0`)
    // gets a leading apostrophe (OWASP); text that merely contains those signs is left alone.
    void csvNeutralisesFormulaStarts_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << "=cmd|' /C calc'!A0"
                                << "'=cmd|' /C calc'!A0";
        QTest::newRow("plus") << "+1+2"
                              << "'+1+2";
        QTest::newRow("minus") << "-2+3"
                               << "'-2+3";
        QTest::newRow("at") << "@SUM(A1)"
                            << "'@SUM(A1)";
        QTest::newRow("tab") << "\t=1"
                             << "'\t=1";
        QTest::newRow("cr") << "\r=1"
                            << "\"'\r=1\"";
        QTest::newRow("quoted too") << "=HYPERLINK(\"x\",1)"
                                    << "\"'=HYPERLINK(\"\"x\"\",1)\"";
        QTest::newRow("inside is fine") << "ad=1+2-3@x"
                                        << "ad=1+2-3@x";
        QTest::newRow("apostrophe") << "'quoted"
                                    << "'quoted";
    }
    void csvNeutralisesFormulaStarts()
    {
        QFETCH(QString, value);
        QFETCH(QString, written);
        QCOMPARE(QString::fromStdString(csvField(value.toStdString())), written);
    }

    void csvAppendAddsToWhatIsThere()
    {
        std::string row = "1,";
        appendCsvField(row, "a,b");
        row += ',';
        appendCsvField(row, "plain");
        QCOMPARE(bytes(row), bytes("1,\"a,b\",plain"s));
    }

    void jsonEscapesQuoteAndBackslash()
    {
        QCOMPARE(bytes(jsonString("")), bytes("\"\""s));
        QCOMPARE(bytes(jsonString("ad000001")), bytes("\"ad000001\""s));
        QCOMPARE(bytes(jsonString("say \"hi\"")), bytes("\"say \\\"hi\\\"\""s));
        QCOMPARE(bytes(jsonString("back\\slash")), bytes("\"back\\\\slash\""s));
        QCOMPARE(bytes(jsonString("a/b")), bytes("\"a/b\""s)); // '/' may stay as it is
        QCOMPARE(bytes(jsonString("a,b: {x} [y]")), bytes("\"a,b: {x} [y]\""s));
    }

    void jsonEscapesEveryControlByte()
    {
        QCOMPARE(bytes(jsonString("\n")), bytes("\"\\n\""s));
        QCOMPARE(bytes(jsonString("\r")), bytes("\"\\r\""s));
        QCOMPARE(bytes(jsonString("\t")), bytes("\"\\t\""s));
        QCOMPARE(bytes(jsonString("\b\f")), bytes("\"\\u0008\\u000c\""s));
        QCOMPARE(bytes(jsonString("a\0b"s)), bytes("\"a\\u0000b\""s));
        QCOMPARE(bytes(jsonString("\x01\x1F")), bytes("\"\\u0001\\u001f\""s));
        QCOMPARE(bytes(jsonString("\x7F")), bytes("\"\\u007f\""s));
        QCOMPARE(bytes(jsonString(" ~")), bytes("\" ~\""s)); // 0x20 and 0x7E are printable
        for (int c = 0; c < 0x20; ++c) {
            const std::string out = jsonString(std::string(1, static_cast<char>(c)));
            QVERIFY2(out.size() >= 4 && out[1] == '\\', out.c_str());
        }
    }

    void jsonKeepsUtf8()
    {
        QCOMPARE(bytes(jsonString("caf\xC3\xA9")), bytes("\"caf\xC3\xA9\""s));
        QCOMPARE(
            bytes(jsonString("\xE6\x9D\xB1\xE4\xBA\xAC")), bytes("\"\xE6\x9D\xB1\xE4\xBA\xAC\""s)); // 東京
        QCOMPARE(bytes(jsonString("\xF0\x9F\x98\x80")), bytes("\"\xF0\x9F\x98\x80\""s)); // U+1F600, 4 bytes
        QCOMPARE(bytes(jsonString("\xC2\x80")), bytes("\"\xC2\x80\""s)); // U+0080, the smallest 2-byte one
        QCOMPARE(bytes(jsonString("\xEF\xBF\xBF")), bytes("\"\xEF\xBF\xBF\""s)); // U+FFFF
        QCOMPARE(bytes(jsonString("\xF4\x8F\xBF\xBF")), bytes("\"\xF4\x8F\xBF\xBF\""s)); // U+10FFFF, the last
    }

    void jsonReplacesBytesThatAreNotUtf8()
    {
        // One U+FFFD per byte that does not start a well-formed sequence; the rest is read again.
        QCOMPARE(bytes(jsonString("bad\xFF\xFE")), bytes("\"bad\\ufffd\\ufffd\""s));
        QCOMPARE(bytes(jsonString("\x80")), bytes("\"\\ufffd\""s)); // a lone continuation byte
        QCOMPARE(bytes(jsonString("\xC3")), bytes("\"\\ufffd\""s)); // cut short at the end
        QCOMPARE(bytes(jsonString("\xC3x")), bytes("\"\\ufffdx\""s)); // cut short by ASCII
        QCOMPARE(bytes(jsonString("\xE6\x9D")), bytes("\"\\ufffd\\ufffd\""s));
        QCOMPARE(bytes(jsonString("\xC0\x80")), bytes("\"\\ufffd\\ufffd\""s)); // overlong NUL
        QCOMPARE(bytes(jsonString("\xE0\x80\xAF")), bytes("\"\\ufffd\\ufffd\\ufffd\""s)); // overlong '/'
        QCOMPARE(
            bytes(jsonString("\xED\xA0\x80")), bytes("\"\\ufffd\\ufffd\\ufffd\""s)); // a UTF-16 surrogate
        QCOMPARE(
            bytes(jsonString("\xF4\x90\x80\x80")), bytes("\"\\ufffd\\ufffd\\ufffd\\ufffd\""s)); // > U+10FFFF
        QCOMPARE(bytes(jsonString("x\x01y\x7F\xFF")), bytes("\"x\\u0001y\\u007f\\ufffd\""s));
    }

    void jsonAppendAddsToWhatIsThere()
    {
        std::string out = "{\"ad_id\":";
        appendJsonString(out, "a\"b");
        out += '}';
        QCOMPARE(bytes(out), bytes("{\"ad_id\":\"a\\\"b\"}"s));
    }
};

QTEST_GUILESS_MAIN(TestTextWriters)
#include "tst_text_writers.moc"
