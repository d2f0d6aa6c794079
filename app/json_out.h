#pragma once
// The JSON pieces the commands' outputs share. They live in the core (core/serve/result_json.h)
// because `adclick serve` must answer with the same bytes as the commands.

#include "core/serve/result_json.h"

namespace adclick::app {

using core::adIdsAndCountsJson;
using core::countersJsonFields;
using core::engineStateJsonFields;
using core::kafkaHealthJson;
using core::kafkaHealthListJson;
using core::timeJson;

} // namespace adclick::app
