// MainWindow's sources: opening archives, followed files, Kafka and databases, the import preview
// on the way, the command line and drag and drop. Beside main_window.cpp, which composes the window.
#include "ui/widgets/main_window.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/widgets/import_preview_dialog.h"
#include "ui/widgets/ingest_status_bar.h"
#include "ui/widgets/range_bar.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>

#include <utility>

namespace adclick::ui {

void MainWindow::openSource(const SourceSpec& spec)
{
    m_controller->openSource(spec, m_databaseOverride);
}

void MainWindow::openArchive(const QStringList& paths, bool orderAny, const core::ParserOptions& parser)
{
    if (paths.isEmpty()) return;
    QSettings().setValue(QStringLiteral("lastDir"), QFileInfo(paths.front()).absolutePath());
    m_actions->addRecent(QStringLiteral("archive:") + paths.join(QLatin1Char('|')));
    SourceSpec spec = SourceSpec::archive(paths);
    spec.orderAny = orderAny;
    spec.parser = parser;
    openSource(spec);
}

void MainWindow::previewArchive(const QStringList& paths)
{
    if (!paths.isEmpty()) requestPreview(SourceSpec::archive(paths), false);
}

void MainWindow::previewFollow(const QString& path)
{
    requestPreview(SourceSpec::follow(path), false);
}

void MainWindow::openChecked(const SourceSpec& spec)
{
    if (!spec.paths.isEmpty()) requestPreview(spec, true);
}

void MainWindow::requestPreview(const SourceSpec& spec, bool openIfReadable)
{
    m_openIfReadable = openIfReadable ? std::optional<SourceSpec>(spec) : std::nullopt;
    m_status->setText(tr("Reading the first lines of %1…").arg(QFileInfo(spec.paths.value(0)).fileName()));
    m_controller->previewSource(spec);
}

ImportPreviewDialog* MainWindow::previewDialog() const
{
    return m_preview;
}

void MainWindow::onPreviewReady(const ImportPreview& preview)
{
    onIngestStatus(m_controller->ingestStatus()); // the status bar's own text again
    const bool follow = preview.spec.kind == SourceSpec::Kind::Follow;
    const auto open = [this, follow](const SourceSpec& spec) {
        if (follow)
            followFile(spec.paths.value(0), spec.parser);
        else
            openArchive(spec.paths, spec.orderAny, spec.parser);
    };
    const std::optional<SourceSpec> asked = std::exchange(m_openIfReadable, std::nullopt);
    if (!preview.ok() || (asked && preview.readsAsItIs(*asked))) {
        open(preview.spec); // nothing to preview (unreadable, missing: the ingest reports why)
        return;
    }
    if (m_preview) m_preview->deleteLater();
    m_preview = new ImportPreviewDialog(preview, m_actions->utc()->isChecked(), this);
    connect(m_preview, &QDialog::accepted, this, [this, open, dialog = m_preview] { open(dialog->spec()); });
    connect(m_preview, &QDialog::finished, m_preview, &QObject::deleteLater);
    m_preview->open();
    if (asked)
        statusBar()->showMessage(
            tr("%1 does not read as clicks as it is: choose how to read it").arg(preview.spec.displayName()),
            kWarningMs);
}

void MainWindow::followFile(const QString& path, const core::ParserOptions& parser)
{
    QSettings().setValue(QStringLiteral("lastDir"), QFileInfo(path).absolutePath());
    m_actions->addRecent(QStringLiteral("follow:") + path);
    SourceSpec spec = SourceSpec::follow(path);
    spec.parser = parser;
    spec.idleMs = 5'000;
    spec.commitIntervalMs = 500;
    openSource(spec);
}

void MainWindow::connectKafka(const QString& uri, const KafkaProperties& properties)
{
    m_actions->addRecent(QStringLiteral("kafka:") + uri);
    SourceSpec spec = SourceSpec::kafka(uri, properties);
    spec.commitIntervalMs = 500;
    openSource(spec);
}

void MainWindow::openDatabase(const QString& path)
{
    m_actions->addRecent(QStringLiteral("db:") + path);
    m_controller->openDatabase(path);
}

void MainWindow::openArguments(const QStringList& arguments)
{
    QStringList files;
    for (const QString& a : arguments) {
        if (a.startsWith(QLatin1String("kafka://"))) {
            connectKafka(a);
            return;
        }
        if (a.endsWith(QLatin1String(".db")) && QFileInfo(a).isFile()) {
            openDatabase(a);
            return;
        }
        files << a;
    }
    if (!files.isEmpty()) openChecked(SourceSpec::archive(files));
}

void MainWindow::startDemo()
{
    m_actions->demo()->setEnabled(false);
    m_status->setText(tr("Starting the demo: embedded Kafka brokers and a generated click stream…"));
    m_controller->startDemo();
}

void MainWindow::onDemoStarted(bool ok, const QString& error)
{
    m_actions->demo()->setEnabled(true);
    if (!ok) showError(tr("The demo could not start: %1").arg(error));
    emit demoStarted(ok);
}

void MainWindow::onSourceChanged()
{
    // Everything shown so far belongs to the old source (also its last warning on the status bar).
    clearError();
    statusBar()->clearMessage();
    m_topN->resetForSource();
    m_rangeBar->resetForSource();
    m_events->clearUnusualEvents();
    m_charts->resetZoom(); // the old source's time span
    m_actions->resetSourcePause();
    m_actions->demo()->setEnabled(true); // a demo still starting is not shown any more
    m_status->setDatabase(m_controller->databasePath());
    const SourceSpec& spec = m_controller->source();
    setWindowTitle(
        tr("%1 — AdClick Monitor")
            .arg(spec.isValid() ? spec.displayName() : QFileInfo(m_controller->databasePath()).fileName()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    openArguments(paths);
}

} // namespace adclick::ui
