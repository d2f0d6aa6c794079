// The canonical spelling of IP addresses (core/base/ip_address): one text per address, so the
// dedup identity, the raw events and the filters see one address as one value (issue 9, defect 12).
#include "core/base/ip_address.h"
#include "core/pipeline/filter_expr.h"

#include <QtTest>

#include <string>

using namespace adclick::core;

namespace {

//! canonicalIp as a string; "<invalid>" for an empty answer.
QString canonical(const QByteArray& text)
{
    char buf[kMaxCanonicalIpBytes];
    const std::string_view v = canonicalIp(std::string_view(text.constData(), std::size_t(text.size())), buf);
    return v.empty() ? QStringLiteral("<invalid>") : QString::fromLatin1(v.data(), qsizetype(v.size()));
}

} // namespace

class TestIpAddress : public QObject {
    Q_OBJECT
private slots:
    void canonicalForms_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ipv4") << QByteArray("1.2.3.4") << "1.2.3.4";
        QTest::newRow("ipv4 edges") << QByteArray("255.0.0.255") << "255.0.0.255";
        QTest::newRow("ipv4-mapped") << QByteArray("::ffff:1.2.3.4") << "1.2.3.4";
        QTest::newRow("ipv4-mapped, upper, hex") << QByteArray("::FFFF:0102:0304") << "1.2.3.4";
        QTest::newRow("ipv4-mapped, written out") << QByteArray("0:0:0:0:0:ffff:1.2.3.4") << "1.2.3.4";
        QTest::newRow("short") << QByteArray("2001:db8::1") << "2001:db8::1";
        QTest::newRow("full, upper, zeros") << QByteArray("2001:0DB8:0:0:0:0:0:1") << "2001:db8::1";
        QTest::newRow("partly compressed") << QByteArray("2001:db8:0::1") << "2001:db8::1";
        QTest::newRow("loopback") << QByteArray("0:0:0:0:0:0:0:1") << "::1";
        QTest::newRow("unspecified") << QByteArray("0:0:0:0:0:0:0:0") << "::";
        QTest::newRow("trailing zeros") << QByteArray("fe80:0:0:0:0:0:0:0") << "fe80::";
        QTest::newRow("one zero group is not ::")
            << QByteArray("2001:db8:0:1:1:1:1:1") << "2001:db8:0:1:1:1:1:1";
        QTest::newRow("one zero group compressed")
            << QByteArray("2001:db8::1:1:1:1:1") << "2001:db8:0:1:1:1:1:1";
        QTest::newRow("longest run wins") << QByteArray("2001:0:0:1:0:0:0:1") << "2001:0:0:1::1";
        QTest::newRow("first of equal runs") << QByteArray("2001:db8:0:0:1:0:0:1") << "2001:db8::1:0:0:1";
        QTest::newRow("leading zeros in groups")
            << QByteArray("2001:0db8:000a:0B00::0001") << "2001:db8:a:b00::1";
        QTest::newRow("ipv4-compatible is plain ipv6") << QByteArray("::1.2.3.4") << "::102:304";
        QTest::newRow("nat64 prefix keeps ipv6") << QByteArray("64:ff9b::1.2.3.4") << "64:ff9b::102:304";
        QTest::newRow("full width") << QByteArray("1111:2222:3333:4444:5555:6666:7777:8888")
                                    << "1111:2222:3333:4444:5555:6666:7777:8888";
        QTest::newRow("bad: leading zero ipv4") << QByteArray("01.2.3.4") << "<invalid>";
        QTest::newRow("bad: ipv4 range") << QByteArray("256.1.1.1") << "<invalid>";
        QTest::newRow("bad: two ::") << QByteArray("1::2::3") << "<invalid>";
        QTest::newRow("bad: zone") << QByteArray("fe80::1%eth0") << "<invalid>";
        QTest::newRow("bad: empty") << QByteArray("") << "<invalid>";
        QTest::newRow("bad: text") << QByteArray("localhost") << "<invalid>";
    }
    void canonicalForms()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QCOMPARE(canonical(text), expected);
        if (expected == "<invalid>") return;
        // The canonical form is a fixed point, and the filter's reading of both is one address.
        QCOMPARE(canonical(expected.toLatin1()), expected);
        uint8_t a[16], b[16];
        const uint8_t la = parseIpAddress(std::string_view(text.constData(), std::size_t(text.size())), a);
        const QByteArray e = expected.toLatin1();
        const uint8_t lb = parseIpAddress(std::string_view(e.constData(), std::size_t(e.size())), b);
        QVERIFY(la != 0);
        QCOMPARE(la, lb);
        QCOMPARE(QByteArray(reinterpret_cast<const char*>(a), la),
            QByteArray(reinterpret_cast<const char*>(b), lb));
        // A filter on the address writes it as events are written.
        QCOMPARE(QString::fromStdString(
                     IpNet::parse(std::string_view(text.constData(), std::size_t(text.size())))->text()),
            expected);
    }

    // Plain dotted IPv4 (the common case) is returned as the text itself: no copy.
    void canonicalIpv4IsTheTextItself()
    {
        const std::string text = "203.0.113.7";
        char buf[kMaxCanonicalIpBytes];
        const std::string_view v = canonicalIp(text, buf);
        QCOMPARE(static_cast<const void*>(v.data()), static_cast<const void*>(text.data()));
        const std::string six = "2001:db8::1";
        QCOMPARE(
            static_cast<const void*>(canonicalIp(six, buf).data()), static_cast<const void*>(six.data()));
    }
};

QTEST_GUILESS_MAIN(TestIpAddress)
#include "tst_ip_address.moc"
