#include "ui/dashboard/import_preview.h"

#include <QFile>

namespace adclick::ui {

ImportPreview sniffForPreview(const SourceSpec& spec, const QString& openDatabase, bool guessDelimiter)
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
    const std::string path = QFile::encodeName(spec.paths.front()).toStdString();
    auto result = core::sniffFile(path, options);
    // Rows that look separated by another delimiter than the one in use, which reads no click: the
    // preview offers the file read with that one, even if its columns or times still need choosing
    // (the dialog shows it, and it can be changed back).
    if (guessDelimiter && result && result->events == 0 && result->delimiter != spec.parser.delimiter
        && core::takesDelimiter(spec.parser.format)) {
        options.parser.delimiter = result->delimiter;
        if (auto again = core::sniffFile(path, options)) {
            result = std::move(again);
            out.spec.parser.delimiter = options.parser.delimiter;
        }
    }
    if (!result)
        out.error = QString::fromStdString(result.message());
    else
        out.sniff = std::make_shared<const core::SniffResult>(std::move(*result));
    return out;
}

} // namespace adclick::ui
