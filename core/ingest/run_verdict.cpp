#include "core/ingest/run_verdict.h"

#include "core/ingest/kafka_source.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace adclick::core {

namespace {

std::string percent(int64_t part, int64_t whole)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", whole > 0 ? 100.0 * double(part) / double(whole) : 0.0);
    return buf;
}

bool allRejected(const Counters& c)
{
    return c.lines > 0 && c.rejected == c.lines;
}

RunNotice allRejectedNotice(const std::string& source, const std::string& what, const Counters& c)
{
    return { RunNotice::Level::Error, RunNotice::Kind::AllRejected, source,
        "every line " + what + " was rejected (" + std::to_string(c.lines) + " lines: " + topRejectReasons(c)
            + "), so nothing was counted. " + rejectHint(c),
        c.rejected, c.lines };
}

std::string quoted(const std::string& path)
{
    return path == "-" ? std::string("standard input") : "'" + path + "'";
}

} // namespace

std::string topRejectReasons(const Counters& c, std::size_t n)
{
    std::vector<std::size_t> order(kRejectReasonCount);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
        [&c](std::size_t a, std::size_t b) { return c.rejectedBy[a] > c.rejectedBy[b]; });
    std::string out;
    for (std::size_t i = 0; i < n && i < order.size() && c.rejectedBy[order[i]] > 0; ++i)
        out += (out.empty() ? "" : ", ") + std::string(rejectReasonName(static_cast<RejectReason>(order[i])))
            + " " + std::to_string(c.rejectedBy[order[i]]);
    return out;
}

std::string rejectHint(const Counters& c)
{
    const auto top = static_cast<RejectReason>(
        std::max_element(c.rejectedBy.begin(), c.rejectedBy.end()) - c.rejectedBy.begin());
    switch (top) {
    case RejectReason::TooManyFields:
        return "The lines have more fields than ad_id,click_timestamp,user_id,ip,country[,click_id]: "
               "a CSV needs a header naming its columns (synonyms such as ts or campaign_id are known; "
               "others are ignored), or --map FIELD=COLUMN.";
    case RejectReason::BadCsvHeader:
    case RejectReason::MissingField:
        return "A required column is missing (ad_id and click_timestamp, by name, synonym or --map "
               "FIELD=COLUMN), or the fields are separated by another character than ',' (--delimiter "
               "';', '|' or tab).";
    case RejectReason::BadTimestamp:
        return "Times are read as ISO-8601 or an epoch (s, ms, µs, ns by size); other layouts need "
               "--time-format (e.g. '%d/%m/%Y %H:%M:%S') and maybe --time-zone.";
    case RejectReason::BadIp:
        return "The ip column must hold IPv4 or IPv6 addresses (--map ip= when the log has none).";
    case RejectReason::BadCountry:
        return "The country column must hold ISO 3166 codes or English country names.";
    case RejectReason::BinaryBytes:
    case RejectReason::InvalidUtf8:
    case RejectReason::LineTooLong:
        return "This is not a text click log (control bytes, broken UTF-8 or lines over 64 KiB).";
    case RejectReason::BadJson:
        return "Lines starting with '{' are not well-formed JSON objects.";
    case RejectReason::Future:
        return "The clicks are dated after the wall clock + --max-future (or jump more than --max-jump "
               "ahead).";
    default:
        return "The rejected samples show the lines.";
    }
}

namespace {

//! The reports of one command-line source: the file itself, or the files of a folder.
std::vector<const SourceReport*> membersOf(const std::string& arg, const IngestResult& r)
{
    const std::string prefix = !arg.empty() && arg.back() == '/' ? arg : arg + "/";
    std::vector<const SourceReport*> out;
    for (const SourceReport& s : r.sources)
        if (s.path == arg || (arg != "-" && s.path.starts_with(prefix))) out.push_back(&s);
    return out;
}

//! The notices of one command-line source (file, .gz, folder or stdin).
void judgeSource(const std::string& arg, const std::vector<const SourceReport*>& members, bool quietEmpty,
    std::vector<RunNotice>& errors, std::vector<RunNotice>& warnings)
{
    Counters sum;
    bool resumed = false;
    uint64_t offset = 0;
    for (const SourceReport* m : members) {
        sum += m->run;
        resumed = resumed || m->resumedFrom > 0;
        offset += m->offset;
    }
    const bool folder = members.size() > 1 || members.front()->path != arg;
    if (allRejected(sum)) {
        errors.push_back(allRejectedNotice(arg, (folder ? "of the files of " : "of ") + quoted(arg), sum));
        return;
    }
    if (folder) // a file of a folder that is no click log: worth a word, not an error
        for (const SourceReport* m : members)
            if (allRejected(m->run)) {
                RunNotice n = allRejectedNotice(m->path, "of " + quoted(m->path), m->run);
                n.level = RunNotice::Level::Warning;
                warnings.push_back(std::move(n));
            }
    if (quietEmpty || resumed || sum.lines > 0) return;
    // Not resumed, no line: nothing came from this source at all.
    if (offset == 0)
        warnings.push_back({ RunNotice::Level::Warning, RunNotice::Kind::Empty, arg,
            quoted(arg) + (folder ? " holds only empty files" : " is empty") + ": nothing to count" });
    else
        warnings.push_back({ RunNotice::Level::Warning, RunNotice::Kind::NoClickLines, arg,
            quoted(arg) + " holds no click line (only blank lines or a header)" });
}

} // namespace

std::vector<RunNotice> judgeRun(const IngestResult& r, const IngestOptions& o, bool interrupted)
{
    std::vector<RunNotice> errors, warnings;
    for (const std::string& arg : o.sources) {
        // --order any counts clicks after sorting the whole input, not per source: only the
        // run-level rule below judges it.
        if (isKafkaUri(arg) || o.orderAny) continue;
        const auto members = membersOf(arg, r);
        if (!members.empty()) judgeSource(arg, members, o.follow || interrupted, errors, warnings);
    }
    // Sources whose lines are not reported on their own (Kafka, a followed file's rotations).
    if (errors.empty() && allRejected(r.run)) errors.push_back(allRejectedNotice({}, "read", r.run));

    const bool live = o.follow || std::any_of(o.sources.begin(), o.sources.end(), [](const std::string& s) {
        return isKafkaUri(s);
    });
    const int64_t clicks = r.run.accepted + r.run.duplicates + r.run.late;
    if (!live && !o.orderAny && r.run.late * 100 > clicks) {
        warnings.push_back({ RunNotice::Level::Warning, RunNotice::Kind::ManyLate, {},
            std::to_string(r.run.late) + " of " + std::to_string(clicks) + " clicks ("
                + percent(r.run.late, clicks)
                + ") were late: they are counted in `late`, not in their minutes. The input is not in time "
                  "order.",
            r.run.late, clicks });
    }
    errors.insert(errors.end(), warnings.begin(), warnings.end());
    return errors;
}

bool hasError(const std::vector<RunNotice>& notices)
{
    return std::any_of(notices.begin(), notices.end(),
        [](const RunNotice& n) { return n.level == RunNotice::Level::Error; });
}

} // namespace adclick::core
