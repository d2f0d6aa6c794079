#include "core/ingest/ingest.h"

#include "core/base/failpoint.h"
#include "core/base/sys_text.h"
#include "core/ingest/ingest_source.h"
#include "core/ingest/order_any.h"
#include "core/store/maintenance.h"
#include "core/store/saved_filters.h"
#include "core/store/store_reads.h"

#include <algorithm>

// Opening an ingest: the database and its stored settings, the saved filters the engine
// aggregates, the live top-N seeded from stored panes, and the check that a resumed source is
// read with the parser settings it was read with before.

namespace adclick::core {

Result<std::unique_ptr<Ingestor>> Ingestor::open(const std::string& dbPath, IngestOptions options)
{
    using R = Result<std::unique_ptr<Ingestor>>;
    std::unique_ptr<Ingestor> in(new Ingestor());
    in->m_options = std::move(options);
    auto store = Store::open(dbPath, in->m_options.store);
    if (!store) return R(store.status());
    in->m_store = std::move(*store);
    in->m_own = OwnFiles::ofDatabase(dbPath);
    auto state = in->m_store->load();
    if (!state) return R(state.status());

    EngineConfig config = state->hasSettings ? state->settings : EngineConfig {};
    auto conflict = [&](const char* option, const std::string& stored, const std::string& given) {
        return R::error("database '" + dbPath + "' was built with " + option + " " + stored
            + "; ingesting with " + given
            + " would make its counts depend on when the setting changed (use the same setting or a new "
              "database)");
    };
    const IngestOptions& o = in->m_options;
    if (o.latenessMs) {
        if (state->hasSettings && *o.latenessMs != config.latenessMs)
            return conflict("--lateness", std::to_string(config.latenessMs / 1000) + " s",
                std::to_string(*o.latenessMs / 1000) + " s");
        config.latenessMs = *o.latenessMs;
    }
    if (o.late) {
        if (state->hasSettings && *o.late != config.late)
            return conflict("--late", config.late == LatePolicy::Update ? "update" : "drop",
                *o.late == LatePolicy::Update ? "update" : "drop");
        config.late = *o.late;
    }
    if (o.dedupHorizonMs) {
        if (state->hasSettings && *o.dedupHorizonMs != config.dedupHorizonMs)
            return conflict("--dedup-horizon", std::to_string(config.dedupHorizonMs / 1000) + " s",
                std::to_string(*o.dedupHorizonMs / 1000) + " s");
        config.dedupHorizonMs = *o.dedupHorizonMs;
    }
    if (!state->hasSettings)
        if (auto st = in->m_store->saveSettings(config); !st) return R(st);

    in->m_engine = std::make_unique<Engine>(config);
    in->m_engine->restore(
        state->maxEventMs, state->watermarkMs, state->counters, std::move(state->ads), state->rejectSamples);
    in->m_engine->restoreJumpCandidate(state->jumpCandidateMs);
    if (activeFault() != Fault::NoDedupRestore && state->maxEventMs != kNoTime) {
        // Kafka partitions judge duplicates against their own watermarks: restore the keys the
        // slowest of them may still need.
        Engine& engine = *in->m_engine;
        std::vector<int64_t> partitionMax;
        for (const SourcePosition& s : state->sources)
            partitionMax.push_back(s.maxEventMs);
        const int64_t since = engine.restoreSinceMs(partitionMax);
        if (auto st
            = in->m_store->forEachRawSince(since, [&](const RawEvent& e) { engine.restoreKey(e, since); });
            !st)
            return R(st);
    }
    if (auto st = in->syncSavedFilters(); !st) return R(st);
    if (auto st = in->seedLiveTop(); !st) return R(st);
    in->m_known = std::move(state->sources);
    for (const auto& s : in->m_known)
        in->m_nextSourceId = std::max(in->m_nextSourceId, s.id + 1);
    return R(std::move(in));
}

Status Ingestor::checkParserOptions(const std::string& source, std::string_view parserState) const
{
    const ColumnMap& given = m_options.parser.map;
    const ColumnMap stored = LineParser::storedColumnMap(parserState).value_or(ColumnMap {});
    if (!given.empty() && given != stored) {
        auto text = [](const ColumnMap& m) {
            return m.empty() ? std::string("no --map") : "--map " + columnMapText(m);
        };
        return Status::error(quoted(source) + " was read with " + text(stored) + "; reading on with "
            + text(given)
            + " would count its lines by two different column maps (use the same --map, none to keep "
              "the stored one, or a new database)");
    }
    // The same for the time format and the delimiter: none given (the default) keeps the stored one.
    const TimeFormat& time = m_options.parser.time;
    const TimeFormat storedTime = LineParser::storedTimeFormat(parserState).value_or(TimeFormat {});
    if (!time.isDefault() && time != storedTime)
        return Status::error(quoted(source) + " was read with --time-format/--time-zone '" + storedTime.spec()
            + "'; reading on with '" + time.spec()
            + "' would read its times two ways (give the same, none to keep the stored one, or use a new "
              "database)");
    const char delimiter = m_options.parser.delimiter;
    const char storedDelimiter = LineParser::storedDelimiter(parserState).value_or(',');
    if (delimiter == ',' || delimiter == storedDelimiter) return Status::ok();
    return Status::error(quoted(source) + " was read with --delimiter '" + delimiterName(storedDelimiter)
        + "'; reading on with '" + delimiterName(delimiter)
        + "' would split its lines two ways (give the same, none to keep the stored one, or use a new "
          "database)");
}

Status Ingestor::seedLiveTop()
{
    if (m_options.liveTopMinutes <= 0) return Status::ok();
    m_engine->enableLiveTop(m_options.liveTopMinutes);
    const int64_t end = m_engine->finalEndMinute();
    if (end == INT64_MIN) return Status::ok();
    SlidingTopN& live = *m_engine->liveTop();
    auto add = [&](int64_t minute, std::string_view ad, int64_t clicks) {
        live.add(minute, std::string(ad), clicks);
    };
    if (!m_store->forEachAdMinuteSince(end - m_options.liveTopMinutes, add))
        return Status::error("cannot read aggregates for the live top-N");
    live.advanceTo(end);
    return Status::ok();
}

Status Ingestor::syncSavedFilters()
{
    const sql::Connection& conn = m_store->connection();
    auto rows = listSavedFilters(conn);
    if (!rows) return rows.status();
    if (savedFilterStates(*rows) == m_filterStates) return Status::ok();
    for (const SavedFilterRow& row : *rows) {
        if (row.state == SavedFilterState::Ready) continue;
        const bool dropping = row.state == SavedFilterState::Dropping;
        auto filter = parseFilter(row.expr);
        Status st = m_store->transaction([&]() -> Status {
            if (dropping || !filter) return deleteSavedFilter(conn, row.id);
            auto n = backfillSavedFilter(conn, row.id, *filter);
            return n ? Status::ok() : n.status();
        });
        if (!st) return st;
        if (!dropping && !filter)
            warn("saved filter '" + row.name + "' could not be parsed and was dropped: " + filter.message());
    }
    m_filters.clear();
    std::vector<EventFilter> engineFilters;
    rows = listSavedFilters(conn);
    if (!rows) return rows.status();
    m_filterStates = savedFilterStates(*rows);
    for (const SavedFilterRow& row : *rows) {
        auto filter = parseFilter(row.expr);
        if (row.state != SavedFilterState::Ready || !filter) continue;
        auto owned = std::make_unique<Filter>(std::move(*filter));
        engineFilters.push_back({ static_cast<uint32_t>(row.id), &filterMatches, owned.get() });
        m_filters.emplace_back(row.id, std::move(owned));
    }
    m_engine->setFilters(std::move(engineFilters));
    return Status::ok();
}

} // namespace adclick::core
