#pragma once
// The import preview: the sniffer's reading of a file's head (core/input/sniffer.h), made off the
// GUI thread before an archive is read or a file followed, so the user sees the format, mapping,
// verdicts and order of the first lines and chooses how to read it.

#include "ui/dashboard/source_spec.h"

#include "core/input/sniffer.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace adclick::ui {

struct ImportPreview {
    SourceSpec spec; //!< what was sniffed (its orderAny and parser are the dialog's to set)
    QString error; //!< the file could not be sniffed (the ingest then reports it)
    std::shared_ptr<const core::SniffResult> sniff;
    QString openDatabase; //!< the database the window had open, never read (core::SniffOptions::own)
    bool ok() const { return sniff != nullptr; }
    //! Sniffed, with the delimiter `asked` gives, its head reads as it is: some click, or no line
    //! rejected (an empty or blank file, which the ingest reports or follows).
    bool readsAsItIs(const SourceSpec& asked) const
    {
        return ok() && spec.parser.delimiter == asked.parser.delimiter
            && (sniff->events > 0 || sniff->rejected == 0);
    }
};

//! Sniffs the first path of `spec` (a folder: its first file in reading order) with the spec's
//! parser options (column map, time format and zone, delimiter) and lateness (default 60 s), so
//! its verdicts are the ingest's. The files of `openDatabase` (the window's database, open in this
//! process) are never read. With `guessDelimiter` (a new preview, not the user's own choice): when
//! the rows look separated by another delimiter and the given one reads no click, the preview is
//! of the file read with that delimiter, and its spec says so. Blocking: run it on a worker.
ImportPreview sniffForPreview(const SourceSpec& spec, const QString& openDatabase, bool guessDelimiter);

} // namespace adclick::ui
