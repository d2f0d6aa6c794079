#pragma once
// "Open source at line" for a rejected line: where it is in its file and the lines around it.

#include <QString>
#include <QStringList>

#include <cstdint>

namespace adclick::ui {

//! The lines around a content offset of a file.
struct SourceContext {
    QString path;
    int64_t offset = 0; //!< content offset of the line (uncompressed for .gz)
    int64_t lineNumber = 0; //!< 1-based; 0 when unknown
    int64_t firstLineNumber = 0; //!< of lines.front()
    QStringList lines; //!< up to `around` lines before, the line, up to `around` after
    QString error; //!< empty: read (a Kafka source, a file gone or changed: why not)
    bool ok() const { return error.isEmpty(); }
};

//! Reads `path` (a plain or gzip file) up to `offset`, counting lines, and the `around` lines on
//! each side of the line starting there. Blocking: run it off the GUI thread. A source that is
//! not a file (a Kafka partition) or an offset past the file's end is an error.
SourceContext readSourceContext(const QString& path, int64_t offset, int around = 3);

} // namespace adclick::ui
