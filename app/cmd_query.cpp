// adclick count | popular | export: the design's query APIs on the command line.
#include "cli_args.h"
#include "commands.h"

#include "core/base/click_event.h"
#include "core/base/csv.h"
#include "core/pipeline/filter_expr.h"
#include "core/query/query.h"
#include "core/base/timestamp.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace adclick::app {

namespace {

constexpr int kUsageError = 2;
//! Larger windows would only overflow the millisecond arithmetic (this is ~19 years).
constexpr int64_t kMaxWindowMinutes = 10'000'000;

const char* kTimeHelp
    = "T is ISO-8601 (2021-01-01T00:00:00Z, 2021-01-01 00:00:00, +hh:mm offsets) or epoch ms.\n";
const char* kFilterHelp
    = "EXPR: conditions joined by 'and' (keywords case-insensitive):\n"
      "  country=US  country!=US  country in (US,KR)  country not in (US,KR)\n"
      "  ip=10.1.0.0/16  ip=2001:db8::/32  ip=1.2.3.4  ip!=...   user_id=u42  user_id!=\"user 1\"\n"
      "  @name  (a saved filter, see adclick filter)\n"
      "Values may be quoted with ' or \" (double the quote to include it).\n";

//! The parsed and checked options shared by the commands; `error` set on a usage error.
struct Common {
    std::string db;
    core::Filter filter;
    std::string error;
};

bool parseTime(
    const std::string& name, const std::optional<std::string>& text, int64_t& out, std::string& error)
{
    if (!text) {
        error = "--" + name + " is required";
        return false;
    }
    if (!core::parseTimestamp(*text, out)) {
        error = "--" + name + ": cannot read '" + *text
            + "' as a time (use ISO-8601 like 2021-01-01T00:00:00Z, or epoch milliseconds)";
        return false;
    }
    return true;
}

bool parsePositive(const std::string& name, const std::optional<std::string>& text, int64_t max, int64_t& out,
    std::string& error)
{
    if (!text) {
        error = "--" + name + " is required";
        return false;
    }
    const char* end = text->data() + text->size();
    const auto [p, ec] = std::from_chars(text->data(), end, out);
    if (ec != std::errc() || p != end || out <= 0 || out > max) {
        error = "--" + name + " must be a whole number from 1 to " + std::to_string(max) + ", not '" + *text
            + "'";
        return false;
    }
    return true;
}

//! Opens the database and resolves saved filter references. Returns the exit code on failure.
int openService(const std::string& db, core::Filter& filter, std::unique_ptr<core::QueryService>& out)
{
    auto q = core::QueryService::open(db);
    if (!q) return fail(q.message());
    auto resolved = (*q)->resolve(filter);
    if (!resolved) // an unknown @name is a bad argument
        return fail("bad --filter: " + resolved.message(), kUsageError);
    filter = std::move(*resolved);
    out = std::move(*q);
    return 0;
}

bool readCommon(Args& args, Common& c)
{
    const auto db = args.value("db");
    const auto filter = args.value("filter");
    if (!db || db->empty()) {
        c.error = "--db FILE is required";
        return false;
    }
    c.db = *db;
    if (filter) {
        auto f = core::parseFilter(*filter);
        if (!f) {
            c.error = "bad --filter '" + *filter + "': " + f.message();
            return false;
        }
        c.filter = std::move(*f);
    }
    return true;
}

using core::csvField;

//! Writes `path` through `path.tmp` + rename, so a reader never sees a partial file.
class AtomicFile {
public:
    explicit AtomicFile(std::string path)
        : m_path(std::move(path))
        , m_tmp(m_path + ".tmp")
    { }
    ~AtomicFile()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
            ::unlink(m_tmp.c_str());
        }
    }
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::string open()
    {
        m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        return m_fd < 0 ? error() : std::string();
    }
    void append(std::string_view s) { m_buf.append(s); }
    //! Empty on success; otherwise the message. The temporary file is removed on failure.
    std::string commit()
    {
        std::size_t done = 0;
        while (done < m_buf.size()) {
            const ssize_t n = ::write(m_fd, m_buf.data() + done, m_buf.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return error();
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(m_fd) != 0) return error();
        const int fd = m_fd;
        m_fd = -1;
        if (::close(fd) != 0) {
            const std::string msg = error();
            ::unlink(m_tmp.c_str());
            return msg;
        }
        if (::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
            const std::string msg
                = "cannot rename '" + m_tmp + "' to '" + m_path + "': " + std::strerror(errno);
            ::unlink(m_tmp.c_str());
            return msg;
        }
        return {};
    }

private:
    std::string error() const { return "cannot write '" + m_tmp + "': " + std::strerror(errno); }

    std::string m_path, m_tmp;
    std::string m_buf;
    int m_fd = -1;
};

} // namespace

int cmdCount(Args& args)
{
    if (args.flag("help")) {
        std::printf(
            "usage: adclick count --db F --ad ID --from T --to T [--filter EXPR]\n\n"
            "Clicks of one ad with event time in [from, to), exact for any range: whole minutes come from\n"
            "the aggregates, partial minutes and ip/user_id filters from the raw events.\n"
            "Prints {\"ad_id\":ID,\"count\":N}. An ad never seen counts 0.\n\n%s%s",
            kTimeHelp, kFilterHelp);
        return 0;
    }
    Common c;
    const bool commonOk = readCommon(args, c);
    const auto ad = args.value("ad");
    const auto from = args.value("from");
    const auto to = args.value("to");
    if (auto rest = args.finish(); !rest.empty())
        return fail(rest + " (see adclick count --help)", kUsageError);
    if (!commonOk) return fail(c.error, kUsageError);
    if (!ad || ad->empty()) return fail("--ad ID is required", kUsageError);
    int64_t fromMs = 0, toMs = 0;
    std::string error;
    if (!parseTime("from", from, fromMs, error) || !parseTime("to", to, toMs, error))
        return fail(error, kUsageError);
    if (fromMs >= toMs) return fail("--from must be before --to (the range is [from, to))", kUsageError);

    std::unique_ptr<core::QueryService> q;
    if (const int rc = openService(c.db, c.filter, q)) return rc;
    auto n = q->count(*ad, fromMs, toMs, c.filter);
    if (!n) return fail(n.message());
    std::printf("{\"ad_id\":%s,\"count\":%lld}\n", jsonString(*ad).c_str(), static_cast<long long>(*n));
    return 0;
}

int cmdPopular(Args& args)
{
    if (args.flag("help")) {
        std::printf(
            "usage: adclick popular --db F --count N --window M [--at T] [--filter EXPR]\n\n"
            "The N ads with the most clicks over the one-minute panes [T - M min, T); ties go to the\n"
            "smaller ad_id (byte order). T defaults to the end of the newest final pane\n"
            "(the watermark rounded down to the minute); a given T is rounded down to the minute.\n"
            "Prints {\"ad_ids\":[..],\"counts\":[..],\"at\":T,\"window_minutes\":M}\n"
            "(\"at\" is null when the database holds no events and no --at was given).\n\n%s%s",
            kTimeHelp, kFilterHelp);
        return 0;
    }
    Common c;
    const bool commonOk = readCommon(args, c);
    const auto count = args.value("count");
    const auto window = args.value("window");
    const auto at = args.value("at");
    if (auto rest = args.finish(); !rest.empty())
        return fail(rest + " (see adclick popular --help)", kUsageError);
    if (!commonOk) return fail(c.error, kUsageError);
    int64_t n = 0, m = 0;
    std::string error;
    if (!parsePositive("count", count, INT64_MAX, n, error)
        || !parsePositive("window", window, kMaxWindowMinutes, m, error))
        return fail(error, kUsageError);
    std::optional<int64_t> atMs;
    if (at) {
        int64_t t = 0;
        if (!parseTime("at", at, t, error)) return fail(error, kUsageError);
        atMs = t;
    }

    std::unique_ptr<core::QueryService> q;
    if (const int rc = openService(c.db, c.filter, q)) return rc;
    auto r = q->popular(n, m, atMs, c.filter);
    if (!r) return fail(r.message());
    std::string ids, counts;
    for (const auto& a : r->top) {
        ids += (ids.empty() ? "" : ",") + jsonString(a.adId);
        counts += (counts.empty() ? "" : ",") + std::to_string(a.clicks);
    }
    const std::string atJson = r->atMs ? jsonString(core::formatIsoUtc(*r->atMs)) : "null";
    std::printf("{\"ad_ids\":[%s],\"counts\":[%s],\"at\":%s,\"window_minutes\":%lld}\n", ids.c_str(),
        counts.c_str(), atJson.c_str(), static_cast<long long>(m));
    return 0;
}

int cmdExport(Args& args)
{
    if (args.flag("help")) {
        std::printf(
            "usage: adclick export --db F --out FILE.csv --minutes --from T --to T [--ad ID] [--filter "
            "EXPR]\n"
            "       adclick export --db F --out FILE.csv --top --count N --window M [--at T] [--filter "
            "EXPR]\n\n"
            "--minutes: clicks per minute and ad over [from, to) widened to whole minutes, only minutes\n"
            "  with clicks; columns minute_utc,ad_id,clicks,range_from,range_to,filter.\n"
            "--top: the popular ranking (see adclick popular --help);\n"
            "  columns rank,ad_id,clicks,at,window_minutes,filter.\n"
            "The last columns repeat the parameters on every row (the effective range, the filter in\n"
            "canonical form with saved filters expanded). The file is written whole or not at all.\n"
            "Prints {\"rows\":N,\"out\":FILE}.\n\n%s%s",
            kTimeHelp, kFilterHelp);
        return 0;
    }
    Common c;
    const bool commonOk = readCommon(args, c);
    const auto out = args.value("out");
    const bool minutes = args.flag("minutes");
    const bool top = args.flag("top");
    const auto from = args.value("from");
    const auto to = args.value("to");
    const auto ad = args.value("ad");
    const auto count = args.value("count");
    const auto window = args.value("window");
    const auto at = args.value("at");
    if (auto rest = args.finish(); !rest.empty())
        return fail(rest + " (see adclick export --help)", kUsageError);
    if (!commonOk) return fail(c.error, kUsageError);
    if (!out || out->empty()) return fail("--out FILE.csv is required", kUsageError);
    if (minutes == top) return fail("export needs exactly one of --minutes and --top", kUsageError);
    std::string error;
    int64_t fromMs = 0, toMs = 0, n = 0, m = 0;
    std::optional<int64_t> atMs;
    if (minutes) {
        if (count || window || at) return fail("--count, --window and --at belong to --top", kUsageError);
        if (!parseTime("from", from, fromMs, error) || !parseTime("to", to, toMs, error))
            return fail(error, kUsageError);
        if (fromMs >= toMs) return fail("--from must be before --to (the range is [from, to))", kUsageError);
        if (ad && ad->empty()) return fail("--ad needs an ad id", kUsageError);
    } else {
        if (from || to || ad) return fail("--from, --to and --ad belong to --minutes", kUsageError);
        if (!parsePositive("count", count, INT64_MAX, n, error)
            || !parsePositive("window", window, kMaxWindowMinutes, m, error))
            return fail(error, kUsageError);
        if (at) {
            int64_t t = 0;
            if (!parseTime("at", at, t, error)) return fail(error, kUsageError);
            atMs = t;
        }
    }

    std::unique_ptr<core::QueryService> q;
    if (const int rc = openService(c.db, c.filter, q)) return rc;
    AtomicFile file(*out);
    if (auto msg = file.open(); !msg.empty()) return fail(msg);
    const std::string filterText = csvField(c.filter.canonical());
    std::size_t rows = 0;
    if (minutes) {
        auto s = q->series(fromMs, toMs, ad, c.filter);
        if (!s) return fail(s.message());
        const std::string tail = "," + csvField(core::formatIsoUtc(s->fromMs)) + ","
            + csvField(core::formatIsoUtc(s->toMs)) + "," + filterText + "\n";
        file.append("minute_utc,ad_id,clicks,range_from,range_to,filter\n");
        for (const auto& r : s->rows) {
            file.append(csvField(core::formatIsoUtc(r.minute * core::kMinuteMs)) + "," + csvField(r.adId)
                + "," + std::to_string(r.clicks) + tail);
        }
        rows = s->rows.size();
    } else {
        auto r = q->popular(n, m, atMs, c.filter);
        if (!r) return fail(r.message());
        const std::string tail = "," + (r->atMs ? csvField(core::formatIsoUtc(*r->atMs)) : std::string())
            + "," + std::to_string(m) + "," + filterText + "\n";
        file.append("rank,ad_id,clicks,at,window_minutes,filter\n");
        for (std::size_t i = 0; i < r->top.size(); ++i)
            file.append(std::to_string(i + 1) + "," + csvField(r->top[i].adId) + ","
                + std::to_string(r->top[i].clicks) + tail);
        rows = r->top.size();
    }
    if (auto msg = file.commit(); !msg.empty()) return fail(msg);
    std::printf("{\"rows\":%zu,\"out\":%s}\n", rows, jsonString(*out).c_str());
    return 0;
}

} // namespace adclick::app
