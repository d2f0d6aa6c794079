// adclick-monitor: parses the options and shows the main window; everything else is in ui/.
#include "ui/widgets/main_window.h"
#include "ui/widgets/stall_measurement.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <optional>

using namespace adclick::ui;

namespace {

struct MonitorOptions {
    bool demo = false;
    bool follow = false;
    std::optional<QString> db; //!< unset: the default per source
    std::optional<QString> screenshot;
    double screenshotAfter = 5;
    double measureSeconds = 0; //!< 0: no stall measurement
    QStringList sources;
};

void declareOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Exact live monitoring and offline analysis of ad click events.\n"
        "SOURCE: click log files, .gz files or folders (an archive), a kafka://host:port/topic URI, "
        "or an AdClick database (*.db)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        { QStringLiteral("demo"),
            QStringLiteral(
                "Start the embedded Kafka broker and a generated click stream, and show it live.") },
        { QStringLiteral("db"),
            QStringLiteral(
                "The database of the source (default: one per source in the application's data folder)."),
            QStringLiteral("FILE") },
        { QStringLiteral("follow"),
            QStringLiteral("Follow the (last) file as it grows instead of reading it once.") },
        { QStringLiteral("screenshot"),
            QStringLiteral("Render the main window to FILE (PNG) and quit (see --screenshot-after)."),
            QStringLiteral("FILE") },
        { QStringLiteral("screenshot-after"),
            QStringLiteral("Seconds to wait before --screenshot (default 5)."), QStringLiteral("SECONDS"),
            QStringLiteral("5") },
        { QStringLiteral("measure-stalls"),
            QStringLiteral(
                "Run for SECONDS (or until an archive is read), then print the GUI thread's event-loop "
                "stalls and the ingest rate as JSON and quit."),
            QStringLiteral("SECONDS") },
    });
    parser.addPositionalArgument(
        QStringLiteral("SOURCE"), QStringLiteral("Sources to open."), QStringLiteral("[SOURCE...]"));
}

//! False after a usage error (printed; the exit code is 2).
bool readOptions(const QCommandLineParser& parser, MonitorOptions& o)
{
    bool ok = true;
    o.screenshotAfter = parser.value(QStringLiteral("screenshot-after")).toDouble(&ok);
    if (!ok || o.screenshotAfter < 0) {
        std::fprintf(stderr, "adclick-monitor: --screenshot-after needs a number of seconds\n");
        return false;
    }
    if (parser.isSet(QStringLiteral("measure-stalls"))) {
        o.measureSeconds = parser.value(QStringLiteral("measure-stalls")).toDouble(&ok);
        if (!ok || o.measureSeconds <= 0) {
            std::fprintf(stderr, "adclick-monitor: --measure-stalls needs a positive number of seconds\n");
            return false;
        }
    }
    o.demo = parser.isSet(QStringLiteral("demo"));
    o.follow = parser.isSet(QStringLiteral("follow"));
    o.sources = parser.positionalArguments();
    if (o.demo && !o.sources.isEmpty()) {
        std::fprintf(stderr, "adclick-monitor: --demo takes no SOURCE\n");
        return false;
    }
    if (parser.isSet(QStringLiteral("db"))) o.db = parser.value(QStringLiteral("db"));
    if (parser.isSet(QStringLiteral("screenshot"))) o.screenshot = parser.value(QStringLiteral("screenshot"));
    return true;
}

void openSources(MainWindow& window, const MonitorOptions& o)
{
    if (o.demo)
        window.startDemo();
    else if (o.follow && !o.sources.isEmpty())
        window.openChecked(SourceSpec::follow(o.sources.back()));
    else if (!o.sources.isEmpty())
        window.openArguments(o.sources);
}

//! Renders the window to `file` after `afterSeconds`, then quits (exit code 1 when it fails).
void scheduleScreenshot(MainWindow& window, const QString& file, double afterSeconds)
{
    QTimer::singleShot(int(afterSeconds * 1000), &window, [&window, file] {
        if (!window.saveScreenshot(file)) {
            std::fprintf(stderr, "adclick-monitor: cannot write '%s'\n", qPrintable(file));
            QApplication::exit(1);
            return;
        }
        std::fprintf(stderr, "adclick-monitor: wrote %s\n", qPrintable(file));
        QApplication::quit();
    });
}

//! Prints the event-loop stalls as JSON when the measurement ends, then quits.
void measureStalls(QApplication& app, MainWindow& window, const MonitorOptions& o)
{
    const bool archive = !o.demo && !o.follow && !o.sources.isEmpty();
    auto* m = new StallMeasurement(&window, o.measureSeconds, archive);
    QObject::connect(m, &StallMeasurement::finished, &app, [](const QJsonObject& result) {
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
        std::fflush(stdout);
        QApplication::quit();
    });
}

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("AdClick"));
    QCoreApplication::setApplicationName(QStringLiteral("AdClick Monitor"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ADCLICK_VERSION));
}

//! --help, --help-all or --version among the options (before a "--").
bool asksForTextOnly(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--") return false;
        if (a == "-h" || a == "--help" || a == "-?" || a == "--help-all" || a == "-v" || a == "--version")
            return true;
    }
    return false;
}

//! Prints the usage or the version and exits: a QCoreApplication needs no display (a
//! QApplication aborts without one, which `adclick-monitor --help` on a server did).
[[noreturn]] void printTextAndExit(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    setApplicationNames();
    QCommandLineParser parser;
    declareOptions(parser);
    parser.process(app); // prints the help or the version and exits (or a usage error, exit 1)
    std::exit(0);
}

} // namespace

int main(int argc, char** argv)
{
    if (asksForTextOnly(argc, argv)) printTextAndExit(argc, argv);
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setDesktopFileName(QStringLiteral("adclick-monitor"));

    QCommandLineParser parser;
    declareOptions(parser);
    parser.process(app);
    MonitorOptions options;
    if (!readOptions(parser, options)) return 2;

    MainWindow window;
    if (options.db) window.setDatabaseOverride(*options.db);
    window.show();
    openSources(window, options);
    if (options.screenshot) scheduleScreenshot(window, *options.screenshot, options.screenshotAfter);
    if (options.measureSeconds > 0) measureStalls(app, window, options);
    return app.exec();
}
