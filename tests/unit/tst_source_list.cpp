// Folders of logs: which files expandSources lists, and the order they are read in
// (docs/semantics.md, "Reading order of a folder"), against real files in a temporary directory.

#include "input_file_support.h"

#include "core/input/source_list.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace adclick::core;
using namespace inputtest;

class TestSourceList : public QObject {
    Q_OBJECT

private slots:
    void expandSourcesOrderAndFilter();
    void expandSourcesErrors_data();
    void expandSourcesErrors();

    void rotationKeys_data();
    void rotationKeys();
    void orderOldestFirst_data();
    void orderOldestFirst();
    void peekFirstEventSkipsJunkAndReadsGzip();
    void folderOrderFromContent();
    void symlinksLeavingTheFolderAreSkipped();
    void givenOrderIsKeptAndWarnedAbout();
};

void TestSourceList::expandSourcesOrderAndFilter()
{
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString() + "/logs";
    QVERIFY(::mkdir(d.c_str(), 0755) == 0);
    // Byte order: uppercase before lowercase, "a10" before "a2", UTF-8 and 0xff last.
    for (const char* name : { "b.log", "a.log", "B.log", "a10.log", "a2.log", "\xc3\xa4.log", "\xff.log",
             ".hidden", ".hidden.log" })
        writeFile(d + "/" + name, "x\n");
    QVERIFY(::mkdir((d + "/sub").c_str(), 0755) == 0);
    writeFile(d + "/sub/inner.log", "x\n");
    QVERIFY(::symlink("a.log", (d + "/link.log").c_str()) == 0); // a link to a file is a file
    QVERIFY(::symlink("sub", (d + "/linkdir").c_str()) == 0); // a link to a directory is not
    QVERIFY(::symlink("nowhere", (d + "/dangling").c_str()) == 0);
    // QTemporaryDir cannot delete a name that is not UTF-8: remove it ourselves.
    struct Unlink {
        std::string path;
        ~Unlink() { ::unlink(path.c_str()); }
    } unlinkFf { d + "/\xff.log" };
    const std::string single = join(dir, "single.log");
    writeFile(single, "x\n");

    auto r = expandSources({ single, "-", d, d + "/", d + "/a.log" });
    QVERIFY2(r, r.message().c_str());
    // Files without a click keep name order; a dangling link is skipped, and said (once per listing).
    QCOMPARE(r->skipped.size(), std::size_t(2));
    QCOMPARE(qs(r->skipped[0]), qs("skipped '" + d + "/dangling': a symbolic link that leads nowhere"));
    std::vector<std::string> expected { single, "-" };
    for (const std::string& prefix : { d + "/", d + "/" })
        for (const char* name :
            { "B.log", "a.log", "a10.log", "a2.log", "b.log", "link.log", "\xc3\xa4.log", "\xff.log" })
            expected.push_back(prefix + name);
    expected.push_back(d + "/a.log");
    QCOMPARE(r->paths, expected);

    auto none = expandSources({});
    QVERIFY(none && none->paths.empty());
}

void TestSourceList::expandSourcesErrors_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("message"); // %1 is the offending path
    QTest::newRow("missing file") << "missing"
                                  << "no such file or directory: '%1'";
    QTest::newRow("empty directory") << "emptyDir"
                                     << "no files in directory '%1'";
    QTest::newRow("only hidden files and subdirectories") << "hiddenOnly"
                                                          << "no files in directory '%1'";
}

void TestSourceList::expandSourcesErrors()
{
    QFETCH(QString, setup);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const std::string good = join(dir, "good.log");
    writeFile(good, "x\n");
    const std::string bad = join(dir, "bad");
    if (setup == "emptyDir" || setup == "hiddenOnly") QVERIFY(::mkdir(bad.c_str(), 0755) == 0);
    if (setup == "hiddenOnly") {
        writeFile(bad + "/.secret", "x\n");
        QVERIFY(::mkdir((bad + "/sub").c_str(), 0755) == 0);
        writeFile(bad + "/sub/f.log", "x\n");
    }
    auto r = expandSources({ good, bad });
    QVERIFY(!r);
    QCOMPARE(qs(r.message()), message.arg(qs(bad)));
}

// ---------------------------------------------------------------------------------------------
// Reading order of a folder (docs/semantics.md, "Reading order of a folder").

namespace {

//! A book-format click at 2021-01-01 00:MM:SS.
QByteArray click(int minute, int second = 0)
{
    return QByteArray("[AdClickEvent] ad001, 2021-01-01 00:")
        + QByteArray::number(minute).rightJustified(2, '0') + ":"
        + QByteArray::number(second).rightJustified(2, '0') + ", user 1, 10.0.0.1, USA";
}

int64_t clickMs(int minute, int second = 0)
{
    return 1609459200000LL + (minute * 60LL + second) * 1000LL;
}

std::string realPath(const std::string& path)
{
    char* r = ::realpath(path.c_str(), nullptr);
    std::string out = r ? r : "";
    std::free(r);
    return out;
}

} // namespace

void TestSourceList::rotationKeys_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("set");
    QTest::addColumn<QString>("date");
    QTest::addColumn<qlonglong>("number"); // -1: none
    auto row = [](const char* name, const char* set, const char* date, qlonglong number) {
        QTest::newRow(name) << name << set << date << number;
    };
    row("app.log", "app.log", "", -1);
    row("app.log.1", "app.log", "", 1);
    row("app.log.10", "app.log", "", 10);
    row("app.log.2.gz", "app.log", "", 2);
    row("app.log.3.zst", "app.log", "", 3);
    row("app.log-20261202.zst", "app.log", "20261202000000", -1);
    row("app.log.gz", "app.log", "", -1);
    row("app.log-20261201", "app.log", "20261201000000", -1);
    row("app.log-20261201.gz", "app.log", "20261201000000", -1);
    row("app.log-2026120113", "app.log", "20261201130000", -1);
    row("app.log.20261201", "app.log", "20261201000000", -1); // a date, not rotation number 20261201
    row("app-2026-12-01.log", "app.log", "20261201000000", -1);
    row("app-2026-12-01-13.log", "app.log", "20261201130000", -1);
    row("app_2026_12_01T0930.log", "app.log", "20261201093000", -1);
    row("app-2026-12-01_13-45-10.log", "app.log", "20261201134510", -1);
    row("app-2026-12-01T13:45.log", "app.log", "20261201134500", -1);
    row("app.log-20261201-134510.gz", "app.log", "20261201134510", -1);
    row("app.log-20261201-1764597600", "app.log", "202612011764597600", -1); // dateformat -%Y%m%d-%s
    row("app.log-20261201-eu", "app.log-eu", "20261201000000", -1);
    row("clicks-2026-12-01.log.3.gz", "clicks.log", "20261201000000", 3);
    row("2026-12-01.log", "log", "20261201000000", -1);
    row("part2.log", "part2.log", "", -1);
    row("app-20261341.log", "app-20261341.log", "", -1); // month 13: not a date
    row("app.log.1234567890", "app.log.1234567890", "", -1); // too long for a rotation number
}

void TestSourceList::rotationKeys()
{
    QFETCH(QString, name);
    QFETCH(QString, set);
    QFETCH(QString, date);
    QFETCH(qlonglong, number);
    const RotationKey key = rotationKeyOf(name.toStdString());
    QCOMPARE(qs(key.set), set);
    QCOMPARE(qs(key.date), date);
    QCOMPARE(key.number ? qlonglong(*key.number) : -1, number);
}

void TestSourceList::orderOldestFirst_data()
{
    // "name@M": the file's first click is at minute M; "name": it has none.
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("expected");
    QStringList numbered { "app.log" }, numberedOrder;
    for (int i = 1; i <= 10; ++i)
        numbered << QStringLiteral("app.log.%1").arg(i);
    for (int i = 10; i >= 1; --i)
        numberedOrder << QStringLiteral("app.log.%1").arg(i);
    numberedOrder << "app.log";
    QTest::newRow("numbered: .10 before .2, live last") << numbered << numberedOrder;
    QTest::newRow("numbered, .gz alike") << QStringList { "app.log", "app.log.1", "app.log.2.gz",
        "app.log.3.gz" } << QStringList { "app.log.3.gz", "app.log.2.gz", "app.log.1", "app.log" };
    QTest::newRow("names beat first event times") << QStringList { "app.log@1", "app.log.1@2", "app.log.2@3" }
                                                  << QStringList { "app.log.2", "app.log.1", "app.log" };
    QTest::newRow("date-stamped") << QStringList {
        "app.log", "app.log-20261203", "app.log-20261201.gz", "app.log-20261202"
    } << QStringList { "app.log-20261201.gz", "app.log-20261202", "app.log-20261203", "app.log" };
    QTest::newRow("date in the middle")
        << QStringList { "app.log", "app-2026-12-02.log", "app-2026-11-30.log.gz", "app-2026-12-01.log" }
        << QStringList { "app-2026-11-30.log.gz", "app-2026-12-01.log", "app-2026-12-02.log", "app.log" };
    QTest::newRow("sets merged by time") << QStringList { "api.log@30", "api.log.1@10", "web.log@40",
        "web.log.1@20" } << QStringList { "api.log.1", "web.log.1", "api.log", "web.log" };
    QTest::newRow("names say nothing: first event time, then name") << QStringList {
        "zeta.log@1", "alpha.log@3", "mid.csv@2", "none1.log", "none0.log", "same-b@5", "same-a@5"
    } << QStringList { "zeta.log", "mid.csv", "alpha.log", "same-a", "same-b", "none0.log", "none1.log" };
    QTest::newRow("an empty live file stays with its set") << QStringList { "app.log.2@5", "app.log.1@10",
        "app.log", "other.log@7" } << QStringList { "app.log.2", "other.log", "app.log.1", "app.log" };
    QTest::newRow("a set starting with a file without clicks") << QStringList { "app.log.2", "app.log.1@10",
        "x.log@5" } << QStringList { "x.log", "app.log.2", "app.log.1" };
}

void TestSourceList::orderOldestFirst()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, expected);
    std::vector<FolderFile> in;
    for (const QString& f : files) {
        const auto parts = f.split('@');
        FolderFile file { parts[0].toStdString(), std::nullopt };
        if (parts.size() == 2) file.firstEventMs = clickMs(parts[1].toInt());
        in.push_back(file);
    }
    // The result does not depend on the listing order.
    for (int round = 0; round < 3; ++round) {
        std::vector<FolderFile> shuffled = in;
        std::mt19937 rng(round);
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        QStringList got;
        for (const std::string& name : adclick::core::orderOldestFirst(shuffled))
            got << qs(name);
        QCOMPARE(got, expected);
    }
}

void TestSourceList::peekFirstEventSkipsJunkAndReadsGzip()
{
    QTemporaryDir dir;
    const QByteArray content = "hello world\n\n" + click(0, 5) + "\n" + click(0, 1) + "\n";
    const auto paths = writePlainAndGzip(dir, "a.log", "a.log.gz", content);
    for (const std::string& p : paths)
        QCOMPARE(peekFirstEventMs(p, LineFormat::Auto), std::optional<int64_t>(clickMs(0, 5)));
    writeFile(join(dir, "junk.log"), "hello\nworld\n");
    QVERIFY(!peekFirstEventMs(join(dir, "junk.log"), LineFormat::Auto));
    writeFile(join(dir, "empty.log"), "");
    QVERIFY(!peekFirstEventMs(join(dir, "empty.log"), LineFormat::Auto));
    writeFile(join(dir, "nonl.log"), "junk\n" + click(3));
    QCOMPARE(peekFirstEventMs(join(dir, "nonl.log"), LineFormat::Auto), std::optional<int64_t>(clickMs(3)));
    // A forced format that does not fit finds nothing.
    QVERIFY(!peekFirstEventMs(paths[0], LineFormat::Jsonl));
}

void TestSourceList::folderOrderFromContent()
{
    QTemporaryDir dir;
    const std::string d = join(dir, "logs");
    QVERIFY(::mkdir(d.c_str(), 0755) == 0);
    writeFile(d + "/a.log", click(20) + "\n");
    writeFile(d + "/b.log", "junk\n" + click(10) + "\n");
    writeFile(d + "/c.log", click(30) + "\n");
    writeFile(d + "/app.log", click(50) + "\n");
    writeFile(d + "/app.log.1", click(15) + "\n"); // names order a set, even against its times
    writeFile(d + "/app.log.2", click(40) + "\n");
    auto r = expandSources({ d });
    QVERIFY2(r, r.message().c_str());
    QStringList got;
    for (const std::string& p : r->paths)
        got << qs(p.substr(d.size() + 1));
    QCOMPARE(got, (QStringList { "b.log", "a.log", "c.log", "app.log.2", "app.log.1", "app.log" }));
    QCOMPARE(r->notes.size(), std::size_t(1));
    QCOMPARE(qs(r->notes[0]),
        qs("reading 6 files of '" + d
            + "' oldest first: b.log, a.log, c.log, app.log.2, app.log.1, app.log"));
    QVERIFY(r->skipped.empty());
}

void TestSourceList::symlinksLeavingTheFolderAreSkipped()
{
    QTemporaryDir dir;
    const std::string d = join(dir, "logs");
    QVERIFY(::mkdir(d.c_str(), 0755) == 0);
    QVERIFY(::mkdir((d + "/sub").c_str(), 0755) == 0);
    writeFile(d + "/in.log", click(1) + "\n");
    writeFile(d + "/sub/deep.log", click(2) + "\n");
    writeFile(join(dir, "secret"), "root:$6$salt$hash:19000:0:99999:7:::\n");
    QVERIFY(::symlink("../secret", (d + "/out.log").c_str()) == 0); // relative, leaving
    QVERIFY(::symlink(join(dir, "secret").c_str(), (d + "/abs.log").c_str()) == 0); // absolute, leaving
    QVERIFY(::symlink("sub/deep.log", (d + "/inner.log").c_str()) == 0); // stays inside: read
    QVERIFY(::symlink("sub/../in.log", (d + "/same.log").c_str()) == 0); // stays inside: read
    const std::string secret = realPath(join(dir, "secret"));

    auto r = expandSources({ d });
    QVERIFY2(r, r.message().c_str());
    QCOMPARE(r->paths, (std::vector<std::string> { d + "/in.log", d + "/same.log", d + "/inner.log" }));
    const std::vector<std::string> skipped {
        "skipped '" + d + "/abs.log': a symbolic link to '" + secret
            + "', outside the folder (--follow-symlinks reads it)",
        "skipped '" + d + "/out.log': a symbolic link to '" + secret
            + "', outside the folder (--follow-symlinks reads it)",
    };
    QCOMPARE(r->skipped, skipped);

    auto all = expandSources({ d }, { LineFormat::Auto, true, {}, {} });
    QVERIFY2(all, all.message().c_str());
    QCOMPARE(all->paths,
        (std::vector<std::string> {
            d + "/in.log", d + "/same.log", d + "/inner.log", d + "/abs.log", d + "/out.log" }));
    QVERIFY(all->skipped.empty());

    // A folder of nothing but leaving links is an error that names them.
    const std::string only = join(dir, "only");
    QVERIFY(::mkdir(only.c_str(), 0755) == 0);
    QVERIFY(::symlink("../secret", (only + "/x.log").c_str()) == 0);
    auto none = expandSources({ only });
    QVERIFY(!none);
    QCOMPARE(qs(none.message()),
        qs("no files in directory '" + only + "'; skipped '" + only + "/x.log': a symbolic link to '" + secret
            + "', outside the folder (--follow-symlinks reads it)"));
}

void TestSourceList::givenOrderIsKeptAndWarnedAbout()
{
    QTemporaryDir dir;
    for (const char* name : { "app.log", "app.log.1", "app.log.2", "app.log.10", "web.log", "web.log.1" })
        writeFile(join(dir, name), click(1) + "\n");
    const auto p = [&](const char* name) { return join(dir, name); };
    // A shell glob's order: app.log, app.log.1, app.log.10, app.log.2.
    const std::vector<std::string> glob { p("app.log"), p("app.log.1"), p("app.log.10"), p("app.log.2") };
    auto r = expandSources(glob);
    QVERIFY2(r, r.message().c_str());
    QCOMPARE(r->paths, glob); // kept as given
    QCOMPARE(r->warnings.size(), std::size_t(1));
    QCOMPARE(qs(r->warnings[0]),
        qs("'" + p("app.log") + "' is named before the older '" + p("app.log.1")
            + "', and files named one by one are read in the order given: the newer clicks come first and "
              "the older ones can be late (name the folder, which is read oldest first)"));
    QVERIFY(r->notes.empty());
    // Oldest first, other sets in between, or a single file: nothing to say.
    for (const auto& files : { std::vector<std::string> { p("app.log.10"), p("web.log.1"), p("app.log.2"),
                                   p("web.log"), p("app.log.1"), p("app.log") },
             std::vector<std::string> { p("web.log"), p("app.log.1") },
             std::vector<std::string> { p("app.log") } }) {
        auto ok = expandSources(files);
        QVERIFY2(ok, ok.message().c_str());
        QVERIFY(ok->warnings.empty());
    }
}

QTEST_GUILESS_MAIN(TestSourceList)
#include "tst_source_list.moc"
