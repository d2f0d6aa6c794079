#include "cli_args.h"
#include "commands.h"
#include "json_out.h"

#include "core/base/timestamp.h"
#include "core/store/maintenance.h"

#include <cstdio>

namespace adclick::app {

namespace {

const char* kFilterHelp = R"(usage: adclick filter save --db F --name NAME --expr EXPR
       adclick filter list --db F
       adclick filter drop --db F --name NAME

Saved filters are the design's filter_id: a saved filter is aggregated as its own dimension from
then on, and back-filled from the raw events, so queries with it (--filter @NAME, or the same
expression) are as fast as unfiltered ones. While an ingest runs on the database, it does the
back-fill (or the drop) itself at its next commit; otherwise this command does it.
EXPR: country=US, country in (US,KR), ip=10.1.0.0/16, user_id=u42, != for each, joined by 'and'.
)";

const char* kRecomputeHelp
    = "usage: adclick recompute --db F --from T --to T\n\n"
      "Rebuilds the aggregates (all clicks and every saved filter) of the panes in [from, to) from the\n"
      "raw events, in one transaction, and prints the cells it corrected. Safe while an ingest runs:\n"
      "the ingest only waits for the transaction, and its later increments apply on top.\n";

} // namespace

int cmdFilter(Args& args)
{
    const bool help = args.flag("help");
    const auto db = args.value("db");
    const auto name = args.value("name");
    const auto expr = args.value("expr");
    const auto pos = args.positionals(); // after the options took their values
    if (help || pos.empty()) {
        std::fputs(kFilterHelp, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    const std::string action = pos[0];
    if (auto rest = args.finish(); !rest.empty() || pos.size() > 1)
        return fail(
            (rest.empty() ? "unexpected argument '" + pos[1] + "'" : rest) + " (see adclick filter --help)",
            2);
    if (!db) return fail("filter needs --db FILE", 2);

    if (action == "list") {
        auto rows = core::listSavedFilters(*db);
        if (!rows) return fail(rows.message());
        std::string out = "{\"filters\":[";
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const auto& r = (*rows)[i];
            out += (i ? "," : "") + std::string("{\"id\":") + std::to_string(r.id)
                + ",\"name\":" + jsonString(r.name) + ",\"expr\":" + jsonString(r.expr)
                + ",\"state\":" + jsonString(std::string(core::savedFilterStateName(r.state))) + "}";
        }
        std::printf("%s]}\n", out.c_str());
        return 0;
    }
    if (!name || name->empty()) return fail("filter " + action + " needs --name NAME", 2);
    if (action == "save") {
        if (!expr) return fail("filter save needs --expr EXPR", 2);
        auto saved = core::saveFilter(*db, *name, *expr);
        if (!saved) return fail(saved.message());
        const std::string state = std::string(core::savedFilterStateName(
            saved->backfilled ? core::SavedFilterState::Ready : core::SavedFilterState::Pending));
        std::printf("{\"name\":%s,\"expr\":%s,\"state\":\"%s\",\"backfilled_clicks\":%lld}\n",
            jsonString(*name).c_str(), jsonString(saved->canonical).c_str(), state.c_str(),
            static_cast<long long>(saved->clicks));
        return 0;
    }
    if (action == "drop") {
        if (auto st = core::dropFilter(*db, *name); !st) return fail(st.message());
        std::printf("{\"name\":%s,\"dropped\":true}\n", jsonString(*name).c_str());
        return 0;
    }
    return fail("unknown filter action '" + action + "' (save, list or drop)", 2);
}

int cmdRecompute(Args& args)
{
    if (printHelp(args, kRecomputeHelp)) return 0;
    const auto db = args.value("db");
    const auto from = args.value("from");
    const auto to = args.value("to");
    if (const int rc = rejectUnknown(args, "recompute")) return rc;
    if (!db || !from || !to) return fail("recompute needs --db F --from T --to T", 2);
    int64_t fromMs = 0, toMs = 0;
    if (!core::parseTimestamp(*from, fromMs) || !core::parseTimestamp(*to, toMs))
        return fail("--from/--to need ISO-8601 times or epochs (s/ms/µs/ns by magnitude)", 2);
    if (fromMs >= toMs) return fail("--from must be before --to", 2);
    auto report = core::recompute(*db, fromMs, toMs);
    if (!report) return fail(report.message());
    std::string out = "{\"minutes\":" + std::to_string(report->minutes) + ",\"raw_events\":"
        + std::to_string(report->rawEvents) + ",\"cells_checked\":" + std::to_string(report->cellsChecked)
        + ",\"corrected\":" + std::to_string(report->corrections.size()) + ",\"corrections\":[";
    for (std::size_t i = 0; i < report->corrections.size() && i < 1000; ++i) {
        const auto& c = report->corrections[i];
        out += (i ? "," : "") + std::string("{\"filter_id\":") + std::to_string(c.filterId)
            + ",\"minute\":" + timeJson(c.minute * 60'000) + ",\"ad_id\":" + jsonString(c.adId)
            + ",\"country\":" + jsonString(c.country) + ",\"clicks_was\":" + std::to_string(c.clicksWas)
            + ",\"clicks\":" + std::to_string(c.clicksNow) + ",\"late_was\":" + std::to_string(c.lateWas)
            + ",\"late\":" + std::to_string(c.lateNow) + "}";
    }
    std::printf("%s]}\n", out.c_str());
    return 0;
}

} // namespace adclick::app
