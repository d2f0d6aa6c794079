#include "ui/dashboard/import_preview.h"

#include <QFile>

namespace adclick::ui {

ImportPreview sniffForPreview(const SourceSpec& spec, const QString& openDatabase)
{
    ImportPreview out;
    out.spec = spec;
    out.openDatabase = openDatabase;
    if (spec.paths.isEmpty()) {
        out.error = QObject::tr("no file to preview");
        return out;
    }
    core::SniffOptions options;
    if (spec.latenessMs) options.latenessMs = *spec.latenessMs;
    if (!openDatabase.isEmpty())
        options.own = core::OwnFiles::ofDatabase(QFile::encodeName(openDatabase).toStdString());
    options.parser = spec.parser; // as the ingest will read it: format, column map, time format and zone
    auto result = core::sniffFile(QFile::encodeName(spec.paths.front()).toStdString(), options);
    if (!result)
        out.error = QString::fromStdString(result.message());
    else
        out.sniff = std::make_shared<const core::SniffResult>(std::move(*result));
    return out;
}

} // namespace adclick::ui
