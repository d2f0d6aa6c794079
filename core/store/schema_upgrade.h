#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <string>

namespace adclick::core {

namespace sql {
class Connection;
}

//! Within the writer's transaction: moves a database of schema version `from` to kSchemaVersion,
//! one step per version (each its own function), then stores the new version. The tables of
//! the new version exist already (kSchemaSql runs first); the steps fill them.
Status upgradeSchemaSteps(const sql::Connection& conn, const std::string& rawDir, int64_t from);

} // namespace adclick::core
