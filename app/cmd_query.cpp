// adclick count | popular | export: the design's query APIs on the command line.
#include "cli_args.h"
#include "commands.h"

#include "core/base/timestamp.h"
#include "core/pipeline/filter_expr.h"
#include "core/pipeline/raw_format.h"
#include "core/query/query.h"
#include "core/query/report_writer.h"
#include "json_out.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace adclick::app {

namespace {

constexpr int kUsageError = 2;
//! Larger windows would only overflow the millisecond arithmetic (this is ~19 years).
constexpr int64_t kMaxWindowMinutes = 10'000'000;

const char* kTimeHelp = "T is ISO-8601 (2021-01-01T00:00:00Z, 2021-01-01 00:00:00, +hh:mm offsets) or an "
                        "epoch (s/ms/µs/ns by magnitude).\n";
const char* kFilterHelp
    = "EXPR: conditions joined by 'and' (keywords case-insensitive):\n"
      "  country=US  country!=US  country in (US,KR)  country not in (US,KR)\n"
      "  ip=10.1.0.0/16  ip=2001:db8::/32  ip=1.2.3.4  ip!=...   user_id=u42  user_id!=\"user 1\"\n"
      "  @name  (a saved filter, see adclick filter)\n"
      "Values may be quoted with ' or \" (double the quote to include it).\n";

const char* kCountHelp
    = "usage: adclick count --db F --ad ID --from T --to T [--filter EXPR]\n\n"
      "Clicks of one ad with event time in [from, to), exact for any range: whole minutes come from\n"
      "the aggregates, partial minutes and ip/user_id filters from the raw events.\n"
      "Prints {\"ad_id\":ID,\"count\":N}. An ad never seen counts 0.\n\n";
const char* kPopularHelp
    = "usage: adclick popular --db F --count N --window M [--at T] [--filter EXPR]\n\n"
      "The N ads with the most clicks over the one-minute panes [T - M min, T); ties go to the\n"
      "smaller ad_id (byte order). T defaults to the end of the newest final pane\n"
      "(the watermark rounded down to the minute); a given T is rounded down to the minute.\n"
      "Prints {\"ad_ids\":[..],\"counts\":[..],\"at\":T,\"window_minutes\":M}\n"
      "(\"at\" is null when the database holds no events and no --at was given).\n\n";
const char* kExportHelp
    = "usage: adclick export --db F --out FILE.csv --minutes --from T --to T [--ad ID] [--filter EXPR]\n"
      "       adclick export --db F --out FILE.csv --top --count N --window M [--at T] [--filter EXPR]\n\n"
      "--minutes: clicks per minute and ad over [from, to) widened to whole minutes, only minutes\n"
      "  with clicks; columns minute_utc,ad_id,clicks,range_from,range_to,filter.\n"
      "--top: the popular ranking (see adclick popular --help);\n"
      "  columns rank,ad_id,clicks,at,window_minutes,filter.\n"
      "The last columns repeat the parameters on every row (the effective range, the filter in\n"
      "canonical form with saved filters expanded). The file is written whole or not at all.\n"
      "Prints {\"rows\":N,\"out\":FILE}.\n\n";

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
            + "' as a time (use ISO-8601 like 2021-01-01T00:00:00Z, or an epoch such as 1609459200)";
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

//! --db and --filter, read first by every query command; a bad one is reported by checkOptions.
Common readCommon(Args& args)
{
    Common c;
    const auto db = args.value("db");
    const auto filter = args.value("filter");
    if (!db || db->empty()) {
        c.error = "--db FILE is required";
        return c;
    }
    c.db = *db;
    if (filter) {
        auto f = core::parseFilter(*filter);
        if (!f) {
            c.error = "bad --filter '" + *filter + "': " + f.message();
            return c;
        }
        c.filter = std::move(*f);
    }
    return c;
}

//! After a command read its options: an unknown option, then a bad --db/--filter, are usage errors.
int checkOptions(Args& args, const std::string& command, const Common& c)
{
    if (const int rc = rejectUnknown(args, command)) return rc;
    if (!c.error.empty()) return fail(c.error, kUsageError);
    return 0;
}

//! --help of a query command: its usage, then the time and filter syntax.
bool queryHelp(Args& args, const char* usage)
{
    return printHelp(args, std::string(usage) + kTimeHelp + kFilterHelp);
}

//! --from T --to T, as given: the range [from, to).
struct RangeArgs {
    std::optional<std::string> from, to;

    static RangeArgs read(Args& args)
    {
        RangeArgs r;
        r.from = args.value("from");
        r.to = args.value("to");
        return r;
    }
    bool given() const { return from || to; }
    bool parse(int64_t& fromMs, int64_t& toMs, std::string& error) const
    {
        if (!parseTime("from", from, fromMs, error) || !parseTime("to", to, toMs, error)) return false;
        if (fromMs < toMs) return true;
        error = "--from must be before --to (the range is [from, to))";
        return false;
    }
};

//! --count N --window M [--at T] of popular and export --top.
struct TopOptions {
    int64_t count = 0;
    int64_t windowMinutes = 0;
    std::optional<int64_t> atMs;
};

//! The same options as given.
struct TopArgs {
    std::optional<std::string> count, window, at;

    static TopArgs read(Args& args)
    {
        TopArgs t;
        t.count = args.value("count");
        t.window = args.value("window");
        t.at = args.value("at");
        return t;
    }
    bool given() const { return count || window || at; }
    bool parse(TopOptions& out, std::string& error) const
    {
        if (!parsePositive("count", count, INT64_MAX, out.count, error)
            || !parsePositive("window", window, kMaxWindowMinutes, out.windowMinutes, error))
            return false;
        if (!at) return true;
        int64_t t = 0;
        if (!parseTime("at", at, t, error)) return false;
        out.atMs = t;
        return true;
    }
};

//! Writes `path` through a fresh temporary file in its folder + rename, so a reader never sees a
//! partial file. The temporary is created with O_EXCL under an unpredictable name (mkstemp), so a
//! link planted where it will be cannot redirect the write.
class AtomicFile {
public:
    explicit AtomicFile(std::string path)
        : m_path(std::move(path))
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
        const std::filesystem::path target(m_path);
        const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
        m_tmp = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
        m_fd = ::mkstemp(m_tmp.data());
        if (m_fd < 0)
            return "cannot create a temporary file in '" + folder.string() + "': " + std::strerror(errno);
        ::fchmod(m_fd, 0644); // mkstemp makes 0600; a report is as readable as any file we write
        return {};
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

//! True when `out` names the database `db` or one of its files (-wal, -shm, .lock, the raw
//! events folder), through links too: writing the report there would destroy the data.
bool isDatabaseFile(const std::string& out, const std::string& db)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path o = fs::weakly_canonical(out, ec);
    const fs::path d = fs::weakly_canonical(db, ec);
    if (o.empty() || d.empty()) return false;
    for (const char* suffix : { "", "-wal", "-shm", "-journal", ".lock" })
        if (o == fs::path(d.string() + suffix)) return true;
    const std::string raw = fs::path(core::rawDirFor(d.string())).lexically_normal().string();
    const std::string os = o.lexically_normal().string();
    if (os == raw || os.rfind(raw + "/", 0) == 0) return true;
    return fs::exists(o, ec) && fs::exists(d, ec) && fs::equivalent(o, d, ec); // a hard link
}

//! What `adclick export` writes: --minutes (a range, maybe one ad) or --top.
struct ExportRequest {
    std::string out;
    bool minutes = false;
    int64_t fromMs = 0, toMs = 0;
    std::optional<std::string> ad;
    TopOptions top;
};

//! 0, or the exit code of a usage error.
int readExportOptions(Args& args, Common& c, ExportRequest& x)
{
    c = readCommon(args);
    const auto out = args.value("out");
    const bool minutes = args.flag("minutes");
    const bool top = args.flag("top");
    const RangeArgs range = RangeArgs::read(args);
    const auto ad = args.value("ad");
    const TopArgs topArgs = TopArgs::read(args);
    if (const int rc = checkOptions(args, "export", c)) return rc;
    if (!out || out->empty()) return fail("--out FILE.csv is required", kUsageError);
    if (isDatabaseFile(*out, c.db))
        return fail(
            "--out '" + *out + "' is the database or one of its files; choose another file", kUsageError);
    if (minutes == top) return fail("export needs exactly one of --minutes and --top", kUsageError);
    x.out = *out;
    x.minutes = minutes;
    x.ad = ad;
    std::string error;
    if (minutes) {
        if (topArgs.given()) return fail("--count, --window and --at belong to --top", kUsageError);
        if (!range.parse(x.fromMs, x.toMs, error)) return fail(error, kUsageError);
        if (ad && ad->empty()) return fail("--ad needs an ad id", kUsageError);
        return 0;
    }
    if (range.given() || ad) return fail("--from, --to and --ad belong to --minutes", kUsageError);
    if (!topArgs.parse(x.top, error)) return fail(error, kUsageError);
    return 0;
}

//! Runs the query and appends the report to `file`; 0, or the exit code of a query error.
int writeExport(core::QueryService& q, const ExportRequest& x, const core::Filter& filter, AtomicFile& file,
    std::size_t& rows)
{
    if (x.minutes) {
        auto s = q.series(x.fromMs, x.toMs, x.ad, filter);
        if (!s) return fail(s.message());
        file.append(core::minutesReportCsv(s->rows, s->fromMs, s->toMs, filter.canonical()));
        rows = s->rows.size();
        return 0;
    }
    auto r = q.popular(x.top.count, x.top.windowMinutes, x.top.atMs, filter);
    if (!r) return fail(r.message());
    std::vector<core::TopReportRow> ranked;
    ranked.reserve(r->top.size());
    for (std::size_t i = 0; i < r->top.size(); ++i)
        ranked.push_back({ static_cast<int64_t>(i + 1), r->top[i].adId, r->top[i].clicks });
    file.append(core::topReportCsv(
        ranked, r->atMs, x.top.windowMinutes, filter.canonical(), core::TopReportColumns::Export));
    rows = ranked.size();
    return 0;
}

} // namespace

int cmdCount(Args& args)
{
    if (queryHelp(args, kCountHelp)) return 0;
    Common c = readCommon(args);
    const auto ad = args.value("ad");
    const RangeArgs range = RangeArgs::read(args);
    if (const int rc = checkOptions(args, "count", c)) return rc;
    if (!ad || ad->empty()) return fail("--ad ID is required", kUsageError);
    int64_t fromMs = 0, toMs = 0;
    std::string error;
    if (!range.parse(fromMs, toMs, error)) return fail(error, kUsageError);

    std::unique_ptr<core::QueryService> q;
    if (const int rc = openService(c.db, c.filter, q)) return rc;
    auto n = q->count(*ad, fromMs, toMs, c.filter);
    if (!n) return fail(n.message());
    std::fputs(core::countAnswerJson(*ad, *n).c_str(), stdout);
    return 0;
}

int cmdPopular(Args& args)
{
    if (queryHelp(args, kPopularHelp)) return 0;
    Common c = readCommon(args);
    const TopArgs topArgs = TopArgs::read(args);
    if (const int rc = checkOptions(args, "popular", c)) return rc;
    TopOptions t;
    std::string error;
    if (!topArgs.parse(t, error)) return fail(error, kUsageError);

    std::unique_ptr<core::QueryService> q;
    if (const int rc = openService(c.db, c.filter, q)) return rc;
    auto r = q->popular(t.count, t.windowMinutes, t.atMs, c.filter);
    if (!r) return fail(r.message());
    std::fputs(core::popularAnswerJson(*r, t.windowMinutes).c_str(), stdout);
    return 0;
}

int cmdExport(Args& args)
{
    if (queryHelp(args, kExportHelp)) return 0;
    Common c;
    ExportRequest x;
    if (const int rc = readExportOptions(args, c, x)) return rc;

    std::unique_ptr<core::QueryService> q;
    if (const int rc = openService(c.db, c.filter, q)) return rc;
    AtomicFile file(x.out);
    if (auto msg = file.open(); !msg.empty()) return fail(msg);
    std::size_t rows = 0;
    if (const int rc = writeExport(*q, x, c.filter, file, rows)) return rc;
    if (auto msg = file.commit(); !msg.empty()) return fail(msg);
    std::printf("{\"rows\":%zu,\"out\":%s}\n", rows, jsonString(x.out).c_str());
    return 0;
}

} // namespace adclick::app
