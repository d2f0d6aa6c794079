// Timestamp parsing and formatting. Expected epoch values were computed independently with
// Python's datetime (datetime(..., tzinfo=...).timestamp()), not with the code under test.
#include "core/base/timestamp.h"

#include <QtTest>

#include <string>

using namespace adclick::core;

class TestTimestamp : public QObject {
    Q_OBJECT

private slots:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void daysFromCivilKnown_data();
    void daysFromCivilKnown();
    void formatIso_data();
    void formatIso();
    void roundTripEveryDay();
    void leavesOutputUntouchedOnFailure();
};

void TestTimestamp::parseValid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expected");

    // Book form: space, no zone, UTC.
    QTest::newRow("book") << QByteArray("2021-01-01 00:00:01") << qint64(1609459201000);
    QTest::newRow("epoch start") << QByteArray("1970-01-01 00:00:00") << qint64(0);
    QTest::newRow("leap day 2000") << QByteArray("2000-02-29 00:00:00") << qint64(951782400000);
    QTest::newRow("leap day 2024") << QByteArray("2024-02-29 12:00:00") << qint64(1709208000000);
    QTest::newRow("2100-03-01") << QByteArray("2100-03-01 00:00:00") << qint64(4107542400000);
    QTest::newRow("year end") << QByteArray("2023-12-31 23:59:59") << qint64(1704067199000);
    QTest::newRow("last second") << QByteArray("9999-12-31 23:59:59") << qint64(253402300799000);
    QTest::newRow("last ms") << QByteArray("9999-12-31 23:59:59.999") << qint64(253402300799999);

    // Fractions: 1..9 digits, truncated (not rounded) to milliseconds.
    QTest::newRow("frac 1") << QByteArray("2021-01-01 00:00:01.5") << qint64(1609459201500);
    QTest::newRow("frac 2") << QByteArray("2021-01-01 00:00:01.25") << qint64(1609459201250);
    QTest::newRow("frac 3") << QByteArray("2021-01-01 00:00:01.123") << qint64(1609459201123);
    QTest::newRow("frac 6 truncated") << QByteArray("2021-01-01 00:00:01.123999") << qint64(1609459201123);
    QTest::newRow("frac 9") << QByteArray("2021-01-01 00:00:01.999999999") << qint64(1609459201999);
    QTest::newRow("frac zeros") << QByteArray("2021-01-01 00:00:01.000") << qint64(1609459201000);

    // ISO-8601.
    QTest::newRow("iso Z") << QByteArray("2021-01-01T00:00:01Z") << qint64(1609459201000);
    QTest::newRow("iso Z frac") << QByteArray("2021-01-01T00:00:01.123Z") << qint64(1609459201123);
    QTest::newRow("iso +02:00") << QByteArray("2021-01-01T00:00:01+02:00") << qint64(1609452001000);
    QTest::newRow("iso +0200") << QByteArray("2021-01-01T00:00:01+0200") << qint64(1609452001000);
    QTest::newRow("iso -05:30") << QByteArray("2021-01-01T00:00:01-05:30") << qint64(1609479001000);
    QTest::newRow("iso -0530") << QByteArray("2021-01-01T00:00:01-0530") << qint64(1609479001000);
    QTest::newRow("iso +00:00") << QByteArray("2021-01-01T00:00:01+00:00") << qint64(1609459201000);
    QTest::newRow("iso -00:00") << QByteArray("2021-01-01T00:00:01-00:00") << qint64(1609459201000);
    QTest::newRow("iso +18:00") << QByteArray("2021-01-01T00:00:01+18:00") << qint64(1609394401000);
    QTest::newRow("iso frac offset") << QByteArray("2021-01-01T00:00:01.5+02:00") << qint64(1609452001500);
    QTest::newRow("space Z") << QByteArray("2021-01-01 00:00:01Z") << qint64(1609459201000);
    QTest::newRow("space offset") << QByteArray("2021-01-01 00:00:01+02:00") << qint64(1609452001000);
    QTest::newRow("1970 +05 = 0") << QByteArray("1970-01-01T05:00:00+05:00") << qint64(0);
    QTest::newRow("1970 -01") << QByteArray("1970-01-01T00:00:00-01:00") << qint64(3600000);

    // Epoch milliseconds.
    QTest::newRow("epoch 0") << QByteArray("0") << qint64(0);
    QTest::newRow("epoch 1") << QByteArray("1") << qint64(1);
    QTest::newRow("epoch 4 digits") << QByteArray("2021") << qint64(2021);
    QTest::newRow("epoch typical") << QByteArray("1609459201000") << qint64(1609459201000);
    QTest::newRow("epoch leading zeros") << QByteArray("0001609459201000") << qint64(1609459201000);
    QTest::newRow("epoch max") << QByteArray("253402300799999") << qint64(253402300799999);
}

void TestTimestamp::parseValid()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expected);
    int64_t ms = -1;
    QVERIFY(parseTimestamp(std::string_view(text.constData(), size_t(text.size())), ms));
    QCOMPARE(qint64(ms), expected);
}

void TestTimestamp::parseInvalid_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("space") << QByteArray(" ");
    QTest::newRow("junk") << QByteArray("yesterday");
    QTest::newRow("date only") << QByteArray("2021-01-01");
    QTest::newRow("no seconds") << QByteArray("2021-01-01 00:00");
    QTest::newRow("leading space") << QByteArray(" 2021-01-01 00:00:01");
    QTest::newRow("trailing space") << QByteArray("2021-01-01 00:00:01 ");
    QTest::newRow("slashes") << QByteArray("2021/01/01 00:00:01");
    QTest::newRow("1-digit month") << QByteArray("2021-1-01 00:00:01");
    QTest::newRow("1-digit hour") << QByteArray("2021-01-01 0:00:01x");
    QTest::newRow("two spaces") << QByteArray("2021-01-01  00:00:01");
    QTest::newRow("bad sep") << QByteArray("2021-01-01_00:00:01");
    QTest::newRow("lower t") << QByteArray("2021-01-01t00:00:01Z");
    QTest::newRow("T no zone") << QByteArray("2021-01-01T00:00:01");
    QTest::newRow("T frac no zone") << QByteArray("2021-01-01T00:00:01.5");
    QTest::newRow("lower z") << QByteArray("2021-01-01T00:00:01z");
    QTest::newRow("month 0") << QByteArray("2021-00-01 00:00:01");
    QTest::newRow("month 13") << QByteArray("2021-13-01 00:00:01");
    QTest::newRow("day 0") << QByteArray("2021-01-00 00:00:01");
    QTest::newRow("jan 32") << QByteArray("2021-01-32 00:00:01");
    QTest::newRow("apr 31") << QByteArray("2021-04-31 00:00:01");
    QTest::newRow("feb 30") << QByteArray("2024-02-30 00:00:01");
    QTest::newRow("feb 29 non-leap") << QByteArray("2021-02-29 00:00:01");
    QTest::newRow("feb 29 1900-rule") << QByteArray("2100-02-29 00:00:01");
    QTest::newRow("hour 24") << QByteArray("2021-01-01 24:00:00");
    QTest::newRow("minute 60") << QByteArray("2021-01-01 00:60:00");
    QTest::newRow("leap second") << QByteArray("2016-12-31 23:59:60");
    QTest::newRow("year 1969") << QByteArray("1969-12-31 23:59:59");
    QTest::newRow("year 0000") << QByteArray("0000-01-01 00:00:00");
    QTest::newRow("5-digit year") << QByteArray("10000-01-01 00:00:00");
    QTest::newRow("negative year") << QByteArray("-2021-01-01 00:00:01");
    QTest::newRow("dot no digits") << QByteArray("2021-01-01 00:00:01.");
    QTest::newRow("frac 10 digits") << QByteArray("2021-01-01 00:00:01.1234567890");
    QTest::newRow("frac comma") << QByteArray("2021-01-01 00:00:01,123");
    QTest::newRow("frac letters") << QByteArray("2021-01-01 00:00:01.12a");
    QTest::newRow("offset +19") << QByteArray("2021-01-01T00:00:01+19:00");
    QTest::newRow("offset +18:01") << QByteArray("2021-01-01T00:00:01+18:01");
    QTest::newRow("offset min 60") << QByteArray("2021-01-01T00:00:01+01:60");
    QTest::newRow("offset hh only") << QByteArray("2021-01-01T00:00:01+02");
    QTest::newRow("offset bad colon") << QByteArray("2021-01-01T00:00:01+02-00");
    QTest::newRow("offset 3 digits") << QByteArray("2021-01-01T00:00:01+020");
    QTest::newRow("Z then junk") << QByteArray("2021-01-01T00:00:01Zx");
    QTest::newRow("space before Z") << QByteArray("2021-01-01T00:00:01 Z");
    QTest::newRow("before 1970 by offset") << QByteArray("1970-01-01T00:00:00+00:01");
    QTest::newRow("after 9999 by offset") << QByteArray("9999-12-31T23:59:59-00:01");
    QTest::newRow("epoch over max") << QByteArray("253402300800000");
    QTest::newRow("epoch huge") << QByteArray("99999999999999999999999999");
    QTest::newRow("epoch negative") << QByteArray("-1");
    QTest::newRow("epoch plus") << QByteArray("+1");
    QTest::newRow("epoch float") << QByteArray("1609459201000.5");
    QTest::newRow("epoch exponent") << QByteArray("1e12");
    QTest::newRow("epoch hex") << QByteArray("0x10");
    QTest::newRow("epoch space") << QByteArray("1609459201000 ");
    QTest::newRow("full-width digits") << QByteArray("\xef\xbc\x92\xef\xbc\x90");
    QTest::newRow("nul inside") << QByteArray("2021-01-01 00:00:01\0", 20);
}

void TestTimestamp::parseInvalid()
{
    QFETCH(QByteArray, text);
    int64_t ms = 0;
    QVERIFY(!parseTimestamp(std::string_view(text.constData(), size_t(text.size())), ms));
}

void TestTimestamp::daysFromCivilKnown_data()
{
    QTest::addColumn<int>("y");
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("d");
    QTest::addColumn<qint64>("days");
    QTest::newRow("epoch") << 1970 << 1 << 1 << qint64(0);
    QTest::newRow("day before") << 1969 << 12 << 31 << qint64(-1);
    QTest::newRow("2000-03-01") << 2000 << 3 << 1 << qint64(11017);
    QTest::newRow("9999-12-31") << 9999 << 12 << 31 << qint64(2932896);
    QTest::newRow("0001-01-01") << 1 << 1 << 1 << qint64(-719162);
}

void TestTimestamp::daysFromCivilKnown()
{
    QFETCH(int, y);
    QFETCH(int, m);
    QFETCH(int, d);
    QFETCH(qint64, days);
    QCOMPARE(qint64(daysFromCivil(y, unsigned(m), unsigned(d))), days);
}

void TestTimestamp::formatIso_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("zero") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
    QTest::newRow("book example") << qint64(1609459201000) << QByteArray("2021-01-01T00:00:01.000Z");
    QTest::newRow("ms") << qint64(1609459201123) << QByteArray("2021-01-01T00:00:01.123Z");
    QTest::newRow("leap day") << qint64(951782400000) << QByteArray("2000-02-29T00:00:00.000Z");
    QTest::newRow("max") << qint64(253402300799999) << QByteArray("9999-12-31T23:59:59.999Z");
    QTest::newRow("negative") << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
}

void TestTimestamp::formatIso()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(formatIsoUtc(ms)), expected);
}

// Every day 1970..9999 at a varying time of day: format, then parse back the same instant.
void TestTimestamp::roundTripEveryDay()
{
    const int64_t lastDay = 2932896;
    for (int64_t day = 0; day <= lastDay; ++day) {
        const int64_t ms = day * 86'400'000 + (day * 7'919'123) % 86'400'000;
        const std::string iso = formatIsoUtc(ms);
        int64_t back = -1;
        if (!parseTimestamp(iso, back) || back != ms)
            QFAIL(qPrintable(
                QStringLiteral("round trip failed for %1 (%2)").arg(ms).arg(QString::fromStdString(iso))));
    }
}

void TestTimestamp::leavesOutputUntouchedOnFailure()
{
    int64_t ms = 42;
    QVERIFY(!parseTimestamp("2021-02-29 00:00:00", ms));
    QCOMPARE(ms, int64_t(42));
}

QTEST_APPLESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
