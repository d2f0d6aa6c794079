// adclick-monitor: parses the options and shows the main window; everything else is in ui/.
#include "ui/widgets/main_window.h"
#include "ui/widgets/stall_measurement.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

using namespace adclick::ui;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AdClick"));
    QApplication::setApplicationName(QStringLiteral("AdClick Monitor"));
    QApplication::setApplicationVersion(QStringLiteral(ADCLICK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("adclick-monitor"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Exact live monitoring and offline analysis of ad click events.\n"
        "SOURCE: click log files, .gz files or folders (an archive), a kafka://host:port/topic URI, "
        "or an AdClick database (*.db)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
        QStringLiteral("Start the embedded Kafka broker and a generated click stream, and show it live."));
    const QCommandLineOption db(QStringLiteral("db"),
        QStringLiteral(
            "The database of the source (default: one per source in the application's data folder)."),
        QStringLiteral("FILE"));
    const QCommandLineOption follow(QStringLiteral("follow"),
        QStringLiteral("Follow the (last) file as it grows instead of reading it once."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Render the main window to FILE (PNG) and quit (see --screenshot-after)."),
        QStringLiteral("FILE"));
    const QCommandLineOption screenshotAfter(QStringLiteral("screenshot-after"),
        QStringLiteral("Seconds to wait before --screenshot (default 5)."), QStringLiteral("SECONDS"),
        QStringLiteral("5"));
    const QCommandLineOption measure(QStringLiteral("measure-stalls"),
        QStringLiteral(
            "Run for SECONDS (or until an archive is read), then print the GUI thread's event-loop "
            "stalls and the ingest rate as JSON and quit."),
        QStringLiteral("SECONDS"));
    parser.addOptions({ demo, db, follow, screenshot, screenshotAfter, measure });
    parser.addPositionalArgument(
        QStringLiteral("SOURCE"), QStringLiteral("Sources to open."), QStringLiteral("[SOURCE...]"));
    parser.process(app);

    bool ok = true;
    const double shotAfter = parser.value(screenshotAfter).toDouble(&ok);
    if (!ok || shotAfter < 0) {
        std::fprintf(stderr, "adclick-monitor: --screenshot-after needs a number of seconds\n");
        return 2;
    }
    double measureSeconds = 0;
    if (parser.isSet(measure)) {
        measureSeconds = parser.value(measure).toDouble(&ok);
        if (!ok || measureSeconds <= 0) {
            std::fprintf(stderr, "adclick-monitor: --measure-stalls needs a positive number of seconds\n");
            return 2;
        }
    }
    const QStringList sources = parser.positionalArguments();
    if (parser.isSet(demo) && !sources.isEmpty()) {
        std::fprintf(stderr, "adclick-monitor: --demo takes no SOURCE\n");
        return 2;
    }

    MainWindow window;
    if (parser.isSet(db)) window.setDatabaseOverride(parser.value(db));
    window.show();
    if (parser.isSet(demo))
        window.startDemo();
    else if (parser.isSet(follow) && !sources.isEmpty())
        window.followFile(sources.back());
    else if (!sources.isEmpty())
        window.openArguments(sources);

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(int(shotAfter * 1000), &window, [&window, file] {
            if (!window.saveScreenshot(file)) {
                std::fprintf(stderr, "adclick-monitor: cannot write '%s'\n", qPrintable(file));
                QApplication::exit(1);
                return;
            }
            std::fprintf(stderr, "adclick-monitor: wrote %s\n", qPrintable(file));
            QApplication::quit();
        });
    }
    if (measureSeconds > 0) {
        const bool archive = !parser.isSet(demo) && !parser.isSet(follow) && !sources.isEmpty();
        auto* m = new StallMeasurement(&window, measureSeconds, archive);
        QObject::connect(m, &StallMeasurement::finished, &app, [](const QJsonObject& result) {
            std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
            std::fflush(stdout);
            QApplication::quit();
        });
    }
    return app.exec();
}
