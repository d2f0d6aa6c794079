// R1: the parser corpus. Every tests/data/corpus/**/<name>.txt is an input stream (also a fuzz
// seed); its <name>.expected holds the golden verdict of each of its lines:
//
//   # comment lines (anywhere)
//   format<TAB>auto|book|csv|jsonl      the parser's format
//   resolved<TAB>auto|book|csv|jsonl    the format the last non-blank line was read in
//   event<TAB>ms<TAB>ad_id<TAB>user_id<TAB>ip<TAB>country<TAB>click_id
//   reject<TAB>reason                   a rejectReasonName
//   blank | header
//
// The stream is cut by RecordReader (4 KiB chunks, so lines span chunks) as the engine cuts it,
// one verdict per record (a CSV record may span lines); a too-long line counts as
// `reject line_too_long`. Past fuzzer crashers live in crashers/.
#include "core/input/line_parser.h"
#include "core/input/record_reader.h"

#include "test_support.h"

#include <QtTest>

#include <set>
#include <string>

using namespace adclick::core;

namespace {

QString corpusDir()
{
    return QStringLiteral(ADCLICK_TEST_DATA "/corpus");
}

QByteArray verdict(ParseOutcome o, const ClickEvent& e)
{
    auto b = [](std::string_view s) { return QByteArray(s.data(), qsizetype(s.size())); };
    switch (o.kind) {
    case LineKind::Blank:
        return "blank";
    case LineKind::Header:
        return "header";
    case LineKind::Rejected:
        return "reject\t" + b(rejectReasonName(o.reason));
    case LineKind::Event:
        break;
    }
    return "event\t" + QByteArray::number(qint64(e.timeMs)) + '\t' + b(e.adId) + '\t' + b(e.userId) + '\t'
        + b(e.ip) + '\t' + b(e.country) + '\t' + b(e.clickId);
}

struct Expected {
    LineFormat format = LineFormat::Auto;
    LineFormat resolved = LineFormat::Auto;
    QByteArrayList verdicts;
    QString error;
};

Expected readExpected(const QString& path)
{
    Expected x;
    QByteArrayList lines = testsupport::readInput(path, x.error).split('\n');
    if (!x.error.isEmpty()) return x;
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.removeLast();
    bool haveFormat = false, haveResolved = false;
    for (const QByteArray& l : lines) {
        if (l.startsWith('#')) continue;
        auto formatOf = [&](const QByteArray& prefix, LineFormat& out) {
            const QByteArray name = l.mid(prefix.size());
            if (!parseLineFormat(std::string_view(name.constData(), size_t(name.size())), out))
                x.error = QStringLiteral("bad format line: ") + QString::fromUtf8(l);
        };
        if (!haveFormat && l.startsWith("format\t")) {
            formatOf("format\t", x.format);
            haveFormat = true;
        } else if (!haveResolved && l.startsWith("resolved\t")) {
            formatOf("resolved\t", x.resolved);
            haveResolved = true;
        } else {
            x.verdicts << l;
        }
    }
    if (!haveFormat || !haveResolved) x.error = QStringLiteral("missing format/resolved line in ") + path;
    return x;
}

QStringList corpusInputs()
{
    QStringList files;
    QDirIterator it(corpusDir(), { QStringLiteral("*.txt") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

// Verdicts of every line of `input`, cut the way the engine cuts a file.
QByteArrayList runStream(const QByteArray& input, LineFormat format, LineFormat& resolved)
{
    QByteArrayList out;
    LineParser parser(format);
    RecordReader splitter;
    Line line;
    ClickEvent e;
    auto handle = [&] {
        if (line.tooLong)
            out << "reject\tline_too_long";
        else
            out << verdict(line.multiLine ? parser.parseRecord(line.text, e) : parser.parse(line.text, e), e);
    };
    const std::string_view all(input.constData(), size_t(input.size()));
    for (std::size_t pos = 0; pos < all.size(); pos += 4096) {
        splitter.feed(all.substr(pos, 4096));
        while (splitter.next(line, parser))
            handle();
    }
    while (splitter.finish(line, parser))
        handle();
    resolved = parser.format();
    return out;
}

} // namespace

class TestParserCorpus : public QObject {
    Q_OBJECT

private slots:
    void corpus_data();
    void corpus();
    void corpusCoversEveryVerdict();
};

void TestParserCorpus::corpus_data()
{
    QTest::addColumn<QString>("input");
    const QStringList files = corpusInputs();
    QVERIFY2(files.size() >= 8, qPrintable(QStringLiteral("corpus too small in ") + corpusDir()));
    for (const QString& f : files)
        QTest::newRow(qPrintable(QDir(corpusDir()).relativeFilePath(f))) << f;
}

void TestParserCorpus::corpus()
{
    QFETCH(QString, input);
    QString expectedPath = input;
    expectedPath.replace(expectedPath.size() - 4, 4, QStringLiteral(".expected"));
    QVERIFY2(QFile::exists(expectedPath), qPrintable(QStringLiteral("no golden file ") + expectedPath));
    const Expected want = readExpected(expectedPath);
    QVERIFY2(want.error.isEmpty(), qPrintable(want.error));

    QFile f(input);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray data = f.readAll();
    LineFormat resolved = LineFormat::Auto;
    const QByteArrayList got = runStream(data, want.format, resolved);

    const qsizetype n = std::max(got.size(), want.verdicts.size());
    QString diff;
    for (qsizetype i = 0; i < n; ++i) {
        const QByteArray g = i < got.size() ? got[i] : QByteArray("(no line)");
        const QByteArray w = i < want.verdicts.size() ? want.verdicts[i] : QByteArray("(no verdict)");
        if (g != w)
            diff += QStringLiteral("line %1:\n  got      %2\n  expected %3\n")
                        .arg(i + 1)
                        .arg(QString::fromUtf8(g), QString::fromUtf8(w));
    }
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(lineFormatName(resolved), lineFormatName(want.resolved));
}

// The corpus is only a regression net if every verdict kind appears in some golden file.
void TestParserCorpus::corpusCoversEveryVerdict()
{
    std::set<QByteArray> seen;
    for (const QString& f : corpusInputs()) {
        QString e = f;
        e.replace(e.size() - 4, 4, QStringLiteral(".expected"));
        for (const QByteArray& v : readExpected(e).verdicts)
            seen.insert(v.startsWith("event\t") ? QByteArray("event") : v);
    }
    QByteArrayList missing;
    for (QByteArray v : { "event", "blank", "header" })
        if (!seen.count(v)) missing << v;
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        // `future` is the engine's verdict on a parsed click (docs/semantics.md), never the parser's.
        if (static_cast<RejectReason>(i) == RejectReason::Future) continue;
        const std::string_view n = rejectReasonName(static_cast<RejectReason>(i));
        const QByteArray v = "reject\t" + QByteArray(n.data(), qsizetype(n.size()));
        if (!seen.count(v)) missing << v;
    }
    QVERIFY2(missing.isEmpty(), missing.join(", ").constData());
}

QTEST_GUILESS_MAIN(TestParserCorpus)
#include "tst_parser_corpus.moc"
