// The desktop integration files the Debian package installs: the desktop entry and the AppStream
// metadata pass their validators, and their names agree with each other, with the icon files and
// with the project version.
#include "test_support.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QXmlStreamReader>
#include <QtTest>

namespace {

const QString kAppId = QStringLiteral("io.github.adclick.Monitor");
const QString kExecutable = QStringLiteral("adclick-monitor"); // the GUI's CMake target
const QString kIcon = QStringLiteral("adclick-monitor");

QString resource(const QString& name)
{
    return QStringLiteral(ADCLICK_SOURCE_DIR "/resources/") + name;
}

struct Tool {
    int exitCode = -1;
    QByteArray output; //!< stdout and stderr
};

Tool runTool(const QString& program, const QStringList& args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    Tool t;
    if (!p.waitForStarted(10'000) || !p.waitForFinished(60'000)) return t;
    t.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    t.output = p.readAll();
    return t;
}

//! The keys of the [Desktop Entry] group.
QMap<QString, QString> desktopEntry(const QString& path)
{
    QMap<QString, QString> keys;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return keys;
    bool inEntry = false;
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.startsWith('[')) {
            inEntry = line == QLatin1String("[Desktop Entry]");
        } else if (inEntry && !line.isEmpty() && !line.startsWith('#')) {
            const auto eq = line.indexOf('=');
            if (eq > 0) keys.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
        }
    }
    return keys;
}

struct Metainfo {
    QString id, launchable, firstReleaseVersion, firstReleaseDate;
    QStringList binaries;
    QString error;
};

Metainfo readMetainfo(const QString& path)
{
    Metainfo m;
    const QByteArray text = testsupport::readInput(path, m.error);
    if (!m.error.isEmpty()) return m;
    QXmlStreamReader xml(text);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) continue;
        const auto name = xml.name();
        if (name == QLatin1String("id")) {
            m.id = xml.readElementText();
        } else if (name == QLatin1String("launchable")) {
            m.launchable = xml.readElementText();
        } else if (name == QLatin1String("binary")) {
            m.binaries << xml.readElementText();
        } else if (name == QLatin1String("release") && m.firstReleaseVersion.isEmpty()) {
            // AppStream lists releases newest first.
            m.firstReleaseVersion = xml.attributes().value("version").toString();
            m.firstReleaseDate = xml.attributes().value("date").toString();
        }
    }
    if (xml.hasError()) m.error = xml.errorString();
    return m;
}

//! Width and height from a PNG's IHDR chunk.
QSize pngSize(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray head = f.read(24);
    if (head.size() < 24 || !head.startsWith("\x89PNG\r\n\x1a\n") || head.mid(12, 4) != "IHDR") return {};
    auto be32 = [&](int at) {
        const auto* b = reinterpret_cast<const unsigned char*>(head.constData() + at);
        return int((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
    };
    return QSize(be32(16), be32(20));
}

} // namespace

class TestPackaging : public QObject {
    Q_OBJECT

private slots:
    void desktopEntryValidates()
    {
        const QString tool = QStandardPaths::findExecutable("desktop-file-validate");
        if (tool.isEmpty())
            QSKIP("desktop-file-validate is not installed (apt-get install desktop-file-utils; "
                  "scripts/setup.sh does)");
        const Tool t = runTool(tool, { resource(kAppId + ".desktop") });
        QVERIFY2(t.exitCode == 0, t.output.constData());
        QVERIFY2(t.output.trimmed().isEmpty(), t.output.constData()); // no warnings or hints either
    }

    void metainfoValidates()
    {
        const QString tool = QStandardPaths::findExecutable("appstreamcli");
        if (tool.isEmpty())
            QSKIP("appstreamcli is not installed (apt-get install appstream; scripts/setup.sh does)");
        const Tool t = runTool(tool, { "validate", "--no-net", resource(kAppId + ".metainfo.xml") });
        QVERIFY2(t.exitCode == 0, t.output.constData());
        // Neither errors nor warnings nor infos (one-letter tags at the start of a line).
        for (const QByteArray& line : t.output.split('\n'))
            QVERIFY2(!line.startsWith("E:") && !line.startsWith("W:") && !line.startsWith("I:"),
                t.output.constData());
    }

    void desktopEntryNamesTheExecutableAndIcon()
    {
        const auto keys = desktopEntry(resource(kAppId + ".desktop"));
        QVERIFY(!keys.isEmpty());
        QCOMPARE(keys.value("Exec").section(' ', 0, 0), kExecutable);
        QCOMPARE(keys.value("TryExec"), kExecutable);
        QCOMPARE(keys.value("Icon"), kIcon);
        // The icon theme files the package installs under that name.
        QVERIFY(QFile::exists(resource(kIcon + ".svg")));
        QCOMPARE(pngSize(resource(kIcon + ".png")), QSize(256, 256));
    }

    void metainfoMatchesDesktopEntryAndVersion()
    {
        const Metainfo m = readMetainfo(resource(kAppId + ".metainfo.xml"));
        QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
        QCOMPARE(m.id, kAppId);
        QCOMPARE(m.launchable, kAppId + ".desktop");
        QVERIFY(m.binaries.contains("adclick"));
        QVERIFY(m.binaries.contains("adclick-serve")); // `adclick serve` runs it
        QVERIFY(m.binaries.contains(kExecutable));
        QCOMPARE(m.firstReleaseVersion, QStringLiteral(ADCLICK_VERSION)); // the CMake project version
        QVERIFY(!m.firstReleaseDate.isEmpty());
    }

    void debianChangelogHasTheProjectVersion()
    {
        QFile f(QStringLiteral(ADCLICK_SOURCE_DIR "/packaging/changelog"));
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString first = QString::fromUtf8(f.readLine()).trimmed();
        QVERIFY2(
            first.startsWith(QStringLiteral("adclick-monitor (" ADCLICK_VERSION ") ")), qPrintable(first));
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
