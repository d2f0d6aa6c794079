// Filter expressions: parsing, canonical text, matching, errors with their column, saved
// filter resolution and the country SQL used by the aggregate queries.
#include "core/pipeline/filter_expr.h"

#include <QtTest>

#include <map>
#include <string>

using namespace adclick::core;

namespace {

QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

Filter mustParse(const char* text)
{
    auto f = parseFilter(text);
    if (!f) qFatal("parse failed for %s: %s", text, f.message().c_str());
    return *f;
}

} // namespace

class TestFilterExpr : public QObject {
    Q_OBJECT

private slots:
    void canonical_data();
    void canonical();
    void errors_data();
    void errors();
    void matches_data();
    void matches();
    void ipNet_data();
    void ipNet();
    void countrySqlAndKinds();
    void setOperations();
    void resolve();
    void engineAdapter();
};

void TestFilterExpr::canonical_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QByteArray>("canonical");

    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("blank") << QByteArray("  \t ") << QByteArray("");
    QTest::newRow("country=") << QByteArray("country=US") << QByteArray("country=US");
    QTest::newRow("country = lower") << QByteArray(" country =  us ") << QByteArray("country=US");
    QTest::newRow("country!=") << QByteArray("country != KR") << QByteArray("country!=KR");
    QTest::newRow("in") << QByteArray("COUNTRY IN (us, KR)") << QByteArray("country in (KR,US)");
    QTest::newRow("in no spaces") << QByteArray("country in(US,KR,US)") << QByteArray("country in (KR,US)");
    QTest::newRow("in one") << QByteArray("country in ( US )") << QByteArray("country=US");
    QTest::newRow("not in") << QByteArray("country not in (US,KR)") << QByteArray("country not in (KR,US)");
    QTest::newRow("NOT IN spaces") << QByteArray("country  NOT\tIN(US , KR)")
                                   << QByteArray("country not in (KR,US)");
    QTest::newRow("not in one") << QByteArray("country not in (JP)") << QByteArray("country!=JP");
    QTest::newRow("3 letters") << QByteArray("country=usa") << QByteArray("country=USA");
    QTest::newRow("user") << QByteArray("user_id=u42") << QByteArray("user_id=u42");
    QTest::newRow("user case kept") << QByteArray("USER_ID=U42") << QByteArray("user_id=U42");
    QTest::newRow("user !=") << QByteArray("user_id!=u42") << QByteArray("user_id!=u42");
    QTest::newRow("user dq") << QByteArray("user_id=\"user 1\"") << QByteArray("user_id=\"user 1\"");
    QTest::newRow("user sq") << QByteArray("user_id='user 1'") << QByteArray("user_id=\"user 1\"");
    QTest::newRow("user quoted plain") << QByteArray("user_id=\"u1\"") << QByteArray("user_id=u1");
    QTest::newRow("user doubled dq") << QByteArray("user_id='say \"hi\"'")
                                     << QByteArray("user_id=\"say \"\"hi\"\"\"");
    QTest::newRow("user doubled sq") << QByteArray("user_id='it''s'") << QByteArray("user_id=\"it's\"");
    QTest::newRow("user empty") << QByteArray("user_id=''") << QByteArray("user_id=\"\"");
    QTest::newRow("user comma") << QByteArray("user_id=\"a,b\"") << QByteArray("user_id=\"a,b\"");
    QTest::newRow("user keyword") << QByteArray("user_id=and") << QByteArray("user_id=and");
    QTest::newRow("user utf8") << QByteArray("user_id=사용자") << QByteArray("user_id=사용자");
    QTest::newRow("user in") << QByteArray("user_id in (\"user 2\", u1)")
                             << QByteArray("user_id in (u1,\"user 2\")");
    QTest::newRow("ip exact") << QByteArray("ip=1.2.3.4") << QByteArray("ip=1.2.3.4");
    QTest::newRow("ip /32") << QByteArray("ip=1.2.3.4/32") << QByteArray("ip=1.2.3.4");
    QTest::newRow("ip host bits") << QByteArray("ip=10.1.2.3/16") << QByteArray("ip=10.1.0.0/16");
    QTest::newRow("ip /0") << QByteArray("ip=9.9.9.9/0") << QByteArray("ip=0.0.0.0/0");
    QTest::newRow("ip /31") << QByteArray("ip=1.2.3.5/31") << QByteArray("ip=1.2.3.4/31");
    QTest::newRow("ip !=") << QByteArray("ip != 10.0.0.0/8") << QByteArray("ip!=10.0.0.0/8");
    QTest::newRow("ip v6") << QByteArray("ip=2001:DB8::1/32") << QByteArray("ip=2001:db8::/32");
    QTest::newRow("ip v6 /128") << QByteArray("ip=0:0:0:0:0:0:0:1/128") << QByteArray("ip=::1");
    QTest::newRow("ip v6 /0") << QByteArray("ip=::1/0") << QByteArray("ip=::/0");
    QTest::newRow("ip v4 mapped") << QByteArray("ip=::ffff:10.0.0.1") << QByteArray("ip=10.0.0.1");
    QTest::newRow("ip v4 mapped net") << QByteArray("ip=::FFFF:10.9.0.0/104") << QByteArray("ip=10.0.0.0/8");
    QTest::newRow("ip in") << QByteArray("ip in (10.0.0.0/8, ::1, 192.168.1.1/16)")
                           << QByteArray("ip in (10.0.0.0/8,192.168.0.0/16,::1)");
    QTest::newRow("ip not in") << QByteArray("ip not in (10.0.0.0/8,10.0.0.0/8)")
                               << QByteArray("ip!=10.0.0.0/8");
    QTest::newRow("and order") << QByteArray("ip=10.0.0.0/8 AND country=US and user_id=u1")
                               << QByteArray("country=US and user_id=u1 and ip=10.0.0.0/8");
    QTest::newRow("and dedup") << QByteArray("country=US and country=us") << QByteArray("country=US");
    QTest::newRow("= before !=") << QByteArray("country!=KR and country in (US,KR)")
                                 << QByteArray("country in (KR,US) and country!=KR");
    QTest::newRow("quoted then and") << QByteArray("user_id=\"a b\"and country=US")
                                     << QByteArray("country=US and user_id=\"a b\"");
    QTest::newRow("ref") << QByteArray("@vip") << QByteArray("@vip");
    QTest::newRow("ref quoted") << QByteArray("@\"my filter\"") << QByteArray("@\"my filter\"");
    QTest::newRow("refs and") << QByteArray("country=kr and @b and @a and @b")
                              << QByteArray("@a and @b and country=KR");
}

void TestFilterExpr::canonical()
{
    QFETCH(QByteArray, expr);
    QFETCH(QByteArray, canonical);
    auto f = parseFilter(expr.toStdString());
    QVERIFY2(f.isOk(), f.message().c_str());
    QCOMPARE(qb(f->canonical()), canonical);
    // Canonical text is a fixed point and parses to the same filter.
    auto again = parseFilter(f->canonical());
    QVERIFY2(again.isOk(), again.message().c_str());
    QCOMPARE(qb(again->canonical()), canonical);
    QVERIFY(*again == *f);
    QCOMPARE(f->empty(), canonical.isEmpty());
}

void TestFilterExpr::errors_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<int>("column");
    QTest::addColumn<QByteArray>("message");

    QTest::newRow("field only") << QByteArray("country") << 8
                                << QByteArray("expected '=', '!=', 'in' or 'not in'");
    QTest::newRow("no value") << QByteArray("country=") << 9 << QByteArray("expected a value after '='");
    QTest::newRow("no value !=") << QByteArray("user_id != ") << 12
                                 << QByteArray("expected a value after '!='");
    QTest::newRow("long country") << QByteArray("country=USAX") << 9 << QByteArray("1 to 3 letters");
    QTest::newRow("digit country") << QByteArray("country in (US, K1)") << 17 << QByteArray("1 to 3 letters");
    QTest::newRow("unknown field") << QByteArray("  foo=1") << 3
                                   << QByteArray("expected country, user_id, ip or @name");
    QTest::newRow("or") << QByteArray("country=US or country=KR") << 12
                        << QByteArray("expected 'and' or the end");
    QTest::newRow("andcountry") << QByteArray("country=US andcountry=KR") << 12
                                << QByteArray("expected 'and'");
    QTest::newRow("dangling and") << QByteArray("country=US and ") << 16
                                  << QByteArray("expected a condition after 'and'");
    QTest::newRow("leading and") << QByteArray("and country=US") << 1 << QByteArray("expected country");
    QTest::newRow("in no paren") << QByteArray("country in US") << 12 << QByteArray("expected '('");
    QTest::newRow("in unclosed") << QByteArray("country in (US") << 15 << QByteArray("expected ',' or ')'");
    QTest::newRow("in empty item") << QByteArray("country in (US,)") << 16 << QByteArray("expected a value");
    QTest::newRow("in empty") << QByteArray("country in ()") << 13 << QByteArray("expected a value");
    QTest::newRow("not without in") << QByteArray("country not US") << 9 << QByteArray("expected 'not in'");
    QTest::newRow("unterminated") << QByteArray("user_id=\"abc") << 9
                                  << QByteArray("unterminated quoted value");
    QTest::newRow("unterminated sq") << QByteArray("user_id in ('a', 'b") << 18
                                     << QByteArray("unterminated quoted value");
    QTest::newRow("v4 prefix 33") << QByteArray("ip=10.0.0.0/33") << 4
                                  << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("v6 prefix 129") << QByteArray("ip=::/129") << 4 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("v4 short") << QByteArray("ip = 1.2.3") << 6 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("v4 300") << QByteArray("ip=300.1.1.1") << 4 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("prefix empty") << QByteArray("ip=1.2.3.4/") << 4 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("prefix sign") << QByteArray("ip=1.2.3.4/-1") << 4
                                 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("mapped prefix < 96")
        << QByteArray("ip=::ffff:1.2.3.4/95") << 4 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("v6 bad") << QByteArray("ip=2001:::1") << 4 << QByteArray("not an IPv4/IPv6 address");
    QTest::newRow("at alone") << QByteArray("@") << 2 << QByteArray("expected a saved filter name");
    QTest::newRow("at space") << QByteArray("@ vip") << 2 << QByteArray("expected a saved filter name");
    QTest::newRow("at empty quoted") << QByteArray("@\"\"") << 2 << QByteArray("name cannot be empty");
    QTest::newRow("control in user") << QByteArray("user_id='a\x01'") << 9
                                     << QByteArray("control characters");
    QTest::newRow("trailing junk") << QByteArray("country=US)") << 11
                                   << QByteArray("expected 'and' or the end");
}

void TestFilterExpr::errors()
{
    QFETCH(QByteArray, expr);
    QFETCH(int, column);
    QFETCH(QByteArray, message);
    auto f = parseFilter(expr.toStdString());
    QVERIFY(!f.isOk());
    const QByteArray msg = qb(f.message());
    QVERIFY2(msg.startsWith("filter: "), msg.constData());
    QVERIFY2(msg.contains(message), msg.constData());
    QVERIFY2(msg.endsWith(" at column " + QByteArray::number(column)), msg.constData());
}

void TestFilterExpr::matches_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QByteArray>("country");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("ip");
    QTest::addColumn<bool>("expected");

    auto row = [](const char* name, const char* e, const char* c, const char* u, const char* ip, bool x) {
        QTest::newRow(name) << QByteArray(e) << QByteArray(c) << QByteArray(u) << QByteArray(ip) << x;
    };
    row("empty", "", "US", "u1", "1.2.3.4", true);
    row("country= yes", "country=US", "US", "u1", "1.2.3.4", true);
    row("country= no", "country=US", "KR", "u1", "1.2.3.4", false);
    row("country= prefix no", "country=US", "USA", "u1", "1.2.3.4", false);
    row("country!= yes", "country!=US", "KR", "u1", "1.2.3.4", true);
    row("country!= no", "country!=US", "US", "u1", "1.2.3.4", false);
    row("in first", "country in (US,KR,JP)", "JP", "u1", "1.2.3.4", true);
    row("in no", "country in (US,KR)", "JP", "u1", "1.2.3.4", false);
    row("not in yes", "country not in (US,KR)", "JP", "u1", "1.2.3.4", true);
    row("not in no", "country not in (US,KR)", "KR", "u1", "1.2.3.4", false);
    row("user= yes", "user_id=u42", "US", "u42", "1.2.3.4", true);
    row("user= case", "user_id=u42", "US", "U42", "1.2.3.4", false);
    row("user= no", "user_id=u42", "US", "u4", "1.2.3.4", false);
    row("user!= yes", "user_id!=u42", "US", "u4", "1.2.3.4", true);
    row("user!= no", "user_id!=u42", "US", "u42", "1.2.3.4", false);
    row("user quoted", "user_id=\"user 1\"", "US", "user 1", "1.2.3.4", true);
    row("user quoted no", "user_id=\"user 1\"", "US", "user", "1.2.3.4", false);
    // An empty field is an absent one: no condition matches it (docs/semantics.md).
    row("user empty", "user_id=''", "US", "", "1.2.3.4", false);
    row("user absent, negated", "user_id!=u1", "US", "", "1.2.3.4", false);
    row("country absent, negated", "country!=US", "", "u1", "1.2.3.4", false);
    row("ip absent, negated", "ip!=10.0.0.0/8", "US", "u1", "", false);
    row("user in", "user_id in (a, b)", "US", "b", "1.2.3.4", true);
    row("user not in", "user_id not in (a, b)", "US", "b", "1.2.3.4", false);
    // IPv4 networks and their edges.
    row("v4 /16 in", "ip=10.1.0.0/16", "US", "u", "10.1.255.255", true);
    row("v4 /16 low", "ip=10.1.0.0/16", "US", "u", "10.1.0.0", true);
    row("v4 /16 below", "ip=10.1.0.0/16", "US", "u", "10.0.255.255", false);
    row("v4 /16 above", "ip=10.1.0.0/16", "US", "u", "10.2.0.0", false);
    row("v4 /25 below", "ip=10.1.2.128/25", "US", "u", "10.1.2.127", false);
    row("v4 /25 first", "ip=10.1.2.128/25", "US", "u", "10.1.2.128", true);
    row("v4 /25 last", "ip=10.1.2.128/25", "US", "u", "10.1.2.255", true);
    row("v4 /31 in", "ip=1.2.3.4/31", "US", "u", "1.2.3.5", true);
    row("v4 /31 out", "ip=1.2.3.4/31", "US", "u", "1.2.3.6", false);
    row("v4 /32 in", "ip=1.2.3.4/32", "US", "u", "1.2.3.4", true);
    row("v4 /32 out", "ip=1.2.3.4/32", "US", "u", "1.2.3.5", false);
    row("v4 exact", "ip=1.2.3.4", "US", "u", "1.2.3.4", true);
    row("v4 exact no", "ip=1.2.3.4", "US", "u", "1.2.3.40", false);
    row("v4 /0 any", "ip=0.0.0.0/0", "US", "u", "255.255.255.255", true);
    row("v4 /0 not v6", "ip=0.0.0.0/0", "US", "u", "::1", false);
    row("v4 vs mapped event", "ip=1.2.3.0/24", "US", "u", "::ffff:1.2.3.9", true);
    row("v4 leading zeros", "ip=10.0.0.0/8", "US", "u", "010.001.0.1", true);
    row("v4 != in", "ip!=10.0.0.0/8", "US", "u", "10.9.9.9", false);
    row("v4 != out", "ip!=10.0.0.0/8", "US", "u", "11.0.0.0", true);
    row("v4 != v6", "ip!=10.0.0.0/8", "US", "u", "2001:db8::1", true);
    row("bad event ip =", "ip=10.0.0.0/8", "US", "u", "not-an-ip", false);
    row("bad event ip !=", "ip!=10.0.0.0/8", "US", "u", "not-an-ip", true);
    row("ip in", "ip in (10.0.0.0/8, 192.168.0.0/16)", "US", "u", "192.168.4.4", true);
    row("ip not in", "ip not in (10.0.0.0/8, 192.168.0.0/16)", "US", "u", "192.168.4.4", false);
    // IPv6 networks and their edges.
    row("v6 /32 in", "ip=2001:db8::/32", "US", "u", "2001:db8:ffff:ffff::1", true);
    row("v6 /32 out", "ip=2001:db8::/32", "US", "u", "2001:db9::", false);
    row("v6 /32 not v4", "ip=2001:db8::/32", "US", "u", "32.1.13.184", false);
    row("v6 /127 in", "ip=2001:db8::/127", "US", "u", "2001:db8::1", true);
    row("v6 /127 out", "ip=2001:db8::/127", "US", "u", "2001:db8::2", false);
    row("v6 /128 long form", "ip=2001:db8::1/128", "US", "u", "2001:DB8:0:0:0:0:0:1", true);
    row("v6 /128 out", "ip=2001:db8::1", "US", "u", "2001:db8::2", false);
    row("v6 /0 any v6", "ip=::/0", "US", "u", "fe80::1", true);
    row("v6 /0 not v4", "ip=::/0", "US", "u", "1.2.3.4", false);
    row("v6 /65 edge in", "ip=2001:db8:0:0:8000::/65", "US", "u", "2001:db8::ffff:0:0:1", true);
    row("v6 /65 edge out", "ip=2001:db8:0:0:8000::/65", "US", "u", "2001:db8::7fff:0:0:1", false);
    // Conjunctions.
    row("and all", "country=US and ip=10.0.0.0/8 and user_id!=bot", "US", "u1", "10.1.1.1", true);
    row("and one fails", "country=US and ip=10.0.0.0/8 and user_id!=bot", "US", "bot", "10.1.1.1", false);
    row("contradiction", "country=US and country!=US", "US", "u", "1.1.1.1", false);
    row("unresolved ref", "@vip", "US", "u", "1.1.1.1", false);
}

void TestFilterExpr::matches()
{
    QFETCH(QByteArray, expr);
    QFETCH(QByteArray, country);
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, ip);
    QFETCH(bool, expected);
    const Filter f = mustParse(expr.constData());
    QCOMPARE(f.matches(country.toStdString(), user.toStdString(), ip.toStdString()), expected);
}

void TestFilterExpr::ipNet_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("canonical"); // empty: invalid

    QTest::newRow("v4") << QByteArray("192.168.1.1") << QByteArray("192.168.1.1");
    QTest::newRow("v4 /24") << QByteArray("192.168.1.77/24") << QByteArray("192.168.1.0/24");
    QTest::newRow("v4 /1") << QByteArray("200.0.0.0/1") << QByteArray("128.0.0.0/1");
    QTest::newRow("v4 5 parts") << QByteArray("1.2.3.4.5") << QByteArray();
    QTest::newRow("v4 4 digits") << QByteArray("1.2.3.1000") << QByteArray();
    QTest::newRow("v4 space") << QByteArray("1.2.3.4 ") << QByteArray();
    QTest::newRow("v6 /64") << QByteArray("2001:db8:1:2:3:4:5:6/64") << QByteArray("2001:db8:1:2::/64");
    QTest::newRow("v6 /128") << QByteArray("::/128") << QByteArray("::");
    QTest::newRow("v6 zone") << QByteArray("fe80::1%eth0") << QByteArray();
    QTest::newRow("prefix 4 digits") << QByteArray("::/0128") << QByteArray();
    QTest::newRow("empty") << QByteArray("") << QByteArray();
}

void TestFilterExpr::ipNet()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, canonical);
    const auto net = IpNet::parse(text.toStdString());
    QCOMPARE(net.has_value(), !canonical.isEmpty());
    if (net) {
        QCOMPARE(qb(net->text()), canonical);
        QVERIFY(IpNet::parse(net->text()) == net);
    }
}

void TestFilterExpr::countrySqlAndKinds()
{
    QCOMPARE(qb(mustParse("").countrySql()), QByteArray());
    QVERIFY(mustParse("").countryOnly());
    QVERIFY(!mustParse("").hasCountryCondition());

    const Filter c = mustParse("country in (us,kr) and country != JP");
    QVERIFY(c.countryOnly());
    QVERIFY(c.hasCountryCondition());
    QCOMPARE(
        qb(c.countrySql()), QByteArray("country IN ('KR','US') AND country <> '' AND country NOT IN ('JP')"));
    QCOMPARE(qb(c.countrySql("a.country")),
        QByteArray("a.country IN ('KR','US') AND a.country <> '' AND a.country NOT IN ('JP')"));

    const Filter mixed = mustParse("country=US and ip=10.0.0.0/8");
    QVERIFY(!mixed.countryOnly());
    QCOMPARE(qb(mixed.countrySql()), QByteArray("country IN ('US')"));
    QVERIFY(!mustParse("user_id=u1").countryOnly());
    QVERIFY(!mustParse("user_id=u1").hasCountryCondition());
    QVERIFY(!mustParse("@vip").countryOnly());
}

void TestFilterExpr::setOperations()
{
    const Filter all = mustParse("user_id in (u1,u2) and country=US and ip=10.0.0.0/8");
    const Filter part = mustParse("ip = 10.1.0.0/8 and user_id in (u2, u1)");
    QVERIFY(all.includes(part));
    QVERIFY(!part.includes(all));
    QVERIFY(all.includes(Filter()));
    QCOMPARE(qb(all.without(part).canonical()), QByteArray("country=US"));
    QVERIFY(!all.includes(mustParse("user_id in (u1,u2,u3)")));

    Filter sum = mustParse("country=US");
    sum.addAll(mustParse("user_id=u1 and country=US"));
    QCOMPARE(qb(sum.canonical()), QByteArray("country=US and user_id=u1"));
}

void TestFilterExpr::resolve()
{
    const std::map<std::string, std::string> saved {
        { "vip", "user_id in (u1,u2)" },
        { "vip_us", "@vip and country=us" },
        { "loop_a", "@loop_b" },
        { "loop_b", "country=KR and @loop_a" },
        { "broken", "country=" },
    };
    auto lookup = [&saved](const std::string& name) -> std::optional<std::string> {
        const auto it = saved.find(name);
        return it == saved.end() ? std::nullopt : std::optional<std::string>(it->second);
    };

    auto plain = resolveFilter(mustParse("country=US"), lookup);
    QVERIFY(plain.isOk());
    QCOMPARE(qb(plain->canonical()), QByteArray("country=US"));

    auto r = resolveFilter(mustParse("@vip_us and ip=10.0.0.0/8"), lookup);
    QVERIFY2(r.isOk(), r.message().c_str());
    QVERIFY(r->savedRefs().empty());
    QCOMPARE(qb(r->canonical()), QByteArray("country=US and user_id in (u1,u2) and ip=10.0.0.0/8"));
    QVERIFY(r->matches("US", "u2", "10.0.0.1"));
    QVERIFY(!r->matches("KR", "u2", "10.0.0.1"));

    auto unknown = resolveFilter(mustParse("@nope"), lookup);
    QVERIFY(!unknown.isOk());
    QVERIFY2(qb(unknown.message()).contains("no saved filter named 'nope'"), unknown.message().c_str());

    auto cycle = resolveFilter(mustParse("@loop_a"), lookup);
    QVERIFY(!cycle.isOk());
    QVERIFY2(qb(cycle.message()).contains("refers to itself"), cycle.message().c_str());

    auto broken = resolveFilter(mustParse("@broken"), lookup);
    QVERIFY(!broken.isOk());
    QVERIFY2(qb(broken.message()).startsWith("saved filter 'broken': filter: expected a value"),
        broken.message().c_str());
}

void TestFilterExpr::engineAdapter()
{
    const Filter f = mustParse("ip=10.0.0.0/8");
    QVERIFY(filterMatches(&f, "US", "u", "10.2.3.4"));
    QVERIFY(!filterMatches(&f, "US", "u", "11.2.3.4"));
}

QTEST_GUILESS_MAIN(TestFilterExpr)
#include "tst_filter_expr.moc"
