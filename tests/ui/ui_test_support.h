#pragma once
// Helpers shared by the GUI tests: generated click logs with their truth, the CLI, settled
// dashboard snapshots.

#include "ui/dashboard/dashboard_controller.h"

#include "sim/click_generator.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <cstdlib>

namespace uitest {

//! Keeps settings and default databases of the tests out of the user's folders (and away from
//! earlier runs).
inline void isolate(const QString& dir)
{
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir + QStringLiteral("/config")));
    qputenv("XDG_DATA_HOME", QFile::encodeName(dir + QStringLiteral("/data")));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir + QStringLiteral("/config"));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir + QStringLiteral("/config"));
}

struct Generated {
    QString path;
    adclick::core::ClickTruth truth;
};

//! A CSV click log in `dir` (with its truth), ~`rate` clicks per second of event time.
inline Generated generate(const QString& dir, const QString& name, int64_t events, double rate = 200,
    bool truth = true, uint64_t seed = 1)
{
    adclick::core::GenOptions o;
    o.out = (dir + QLatin1Char('/') + name).toStdString();
    o.events = events;
    o.rate = rate;
    o.seed = seed;
    o.truth = truth;
    o.gzip = name.endsWith(QLatin1String(".gz"));
    auto r = adclick::core::generateClicks(o);
    if (!r) qFatal("generate: %s", r.message().c_str());
    return { QString::fromStdString(o.out), r->truth };
}

struct Cli {
    int exitCode = -1;
    QByteArray out, err;
};

inline Cli runCli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(ADCLICK_CLI), args);
    Cli r;
    if (!p.waitForFinished(120'000)) return r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

//! Waits for the ingest to end and then for a snapshot asked for afterwards with the current
//! parameters (so it shows everything the run committed).
inline adclick::ui::SnapshotPtr settle(adclick::ui::DashboardController& c, int timeoutMs = 60'000)
{
    if (!QTest::qWaitFor([&] { return !c.ingestActive(); }, timeoutMs)) return nullptr;
    c.refresh();
    adclick::ui::SnapshotPtr out;
    // The current parameters at each look: a window changes them by itself as data arrives (it
    // charts the top three, its range follows the data), and a snapshot for older ones is dropped.
    const bool ok = QTest::qWaitFor(
        [&] {
            const auto s = c.snapshot();
            if (s && s->paramsGeneration == c.paramsGeneration() && !s->ingest.active() && s->ingest.run != 0)
                out = s;
            return out != nullptr;
        },
        timeoutMs);
    if (!ok) qWarning("no settled snapshot within %d ms", timeoutMs);
    return out;
}

//! The next snapshot made after this call for the parameters current when it arrives (see settle).
inline adclick::ui::SnapshotPtr nextSnapshot(adclick::ui::DashboardController& c, int timeoutMs = 30'000)
{
    const adclick::ui::SnapshotPtr before = c.snapshot();
    c.refresh();
    adclick::ui::SnapshotPtr out;
    const bool ok = QTest::qWaitFor(
        [&] {
            const auto s = c.snapshot();
            if (s && s != before && s->paramsGeneration == c.paramsGeneration()) out = s;
            return out != nullptr;
        },
        timeoutMs);
    if (!ok) qWarning("no snapshot within %d ms", timeoutMs);
    return out;
}

} // namespace uitest
