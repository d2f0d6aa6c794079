#pragma once

#include "core/ingest/ingest.h"

namespace adclick::app {

//! After the summary: prints the run's notices (core::judgeRun) on stderr — "adclick: error: …"
//! for a source whose lines were all rejected, "adclick: warning: …" for an empty source and for
//! late clicks over 1 % of an archive — and returns the exit code: 1 with an error, else 0.
int reportVerdict(const core::IngestResult& result, const core::IngestOptions& options, bool interrupted);

} // namespace adclick::app
