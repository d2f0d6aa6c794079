#include "core/input/sniffer.h"

#include "core/base/timestamp.h"
#include "core/input/input_file.h"
#include "core/input/record_reader.h"
#include "core/input/sniff_guess.h"
#include "core/input/source_list.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>

namespace adclick::core {

namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
constexpr std::size_t kSampleTextBytes = 200;
constexpr std::size_t kDelimiterLines = 50; //!< rows looked at to guess the delimiter
constexpr std::size_t kBadTimeTexts = 200; //!< rejected time stamps a time pattern is guessed from
constexpr std::size_t kJsonKeyLines = 50; //!< JSON objects whose keys are listed
constexpr std::string_view kFields[] = { "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id" };

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (isSpace(s.front()) || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (isSpace(s.back()) || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

//! Length of the well-formed UTF-8 character at s[i] (1..4), or 0.
std::size_t utf8Length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80     ? 1
        : c >= 0xC2 && c <= 0xDF ? 2
        : c >= 0xE0 && c <= 0xEF ? 3
        : c >= 0xF0 && c <= 0xF4 ? 4
                                 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

//! At most kSampleTextBytes of `text`, cut at a character boundary; control bytes and broken
//! UTF-8 shown as '?', so the text can be printed and put in JSON as it is.
std::string displayText(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8Length(text, i);
        if (out.size() + std::max<std::size_t>(n, 1) > kSampleTextBytes) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7F) && c != '\t')) {
            out += '?';
            i += std::max<std::size_t>(n, 1);
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

//! The fields of a header row separated by `delimiter`, trimmed, quotes removed (names hold no
//! quotes), without a UTF-8 byte order mark (spreadsheet exports start with one).
std::vector<std::string> headerNames(std::string_view line, char delimiter)
{
    if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    std::vector<std::string> names;
    for (;;) {
        const std::size_t end = line.find(delimiter);
        std::string_view name = trimmed(line.substr(0, end));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
            name = name.substr(1, name.size() - 2);
        names.emplace_back(name);
        if (end == std::string_view::npos) return names;
        line.remove_prefix(end + 1);
    }
}

bool allDigits(std::string_view s)
{
    if (s.starts_with('-')) s.remove_prefix(1);
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

//! An integer epoch (with an optional fraction): its format name, as `auto` reads it by its
//! magnitude or as `given` (an epoch-* option) says, and its pattern ("13 digits").
std::pair<std::string, std::string> epochShape(std::string_view text, const std::string& given)
{
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    std::string pattern = std::to_string(whole.size()) + " digits";
    if (dot != std::string_view::npos) pattern += " and a fraction";
    if (given.starts_with("epoch-")) return { given, pattern };
    if (dot != std::string_view::npos) return { "epoch-s", pattern }; // auto: a fraction on seconds only
    uint64_t v = 0;
    for (const char c : whole.substr(0, 19))
        v = v * 10 + static_cast<uint64_t>(c - '0');
    switch (whole.size() > 19 ? EpochUnit::Nanos : epochUnitByMagnitude(v)) {
    case EpochUnit::Seconds:
        return { "epoch-s", pattern };
    case EpochUnit::Micros:
        return { "epoch-us", pattern };
    case EpochUnit::Nanos:
        return { "epoch-ns", pattern };
    default:
        return { "epoch-ms", pattern };
    }
}

//! The shape of a time text the parser read with `format`: ("iso", "YYYY-MM-DDThh:mm:ss.fffZ"),
//! ("epoch-ms", "13 digits"), ("strftime", the pattern given), or ("other", "").
std::pair<std::string, std::string> timeShape(std::string_view text, const TimeFormat& format)
{
    const std::string& given = format.format();
    if (given.find('%') != std::string::npos) return { "strftime", given };
    const std::size_t dot = text.find('.');
    if (!text.empty() && allDigits(text.substr(0, dot))
        && (dot == std::string_view::npos || allDigits(text.substr(dot + 1))))
        return epochShape(text, given);
    if (text.size() < 19) return { "other", "" };
    std::string p = "YYYY-MM-DD";
    p += text[10] == 'T' || text[10] == 't' ? 'T' : ' ';
    p += "hh:mm:ss";
    std::size_t i = 19;
    if (i < text.size() && text[i] == '.') {
        p += '.';
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
            p += 'f';
    }
    const std::string_view zone = text.substr(i);
    if (zone == "Z" || zone == "z")
        p += 'Z';
    else if (!zone.empty())
        p += zone.find(':') != zone.npos ? "±hh:mm" : "±hhmm";
    return { "iso", p };
}

//! Do stamps of this shape need the --time-zone (no zone of their own, no epoch)?
bool zoneApplies(const std::string& format, const std::string& pattern)
{
    if (format == "iso") return pattern.find_first_of("Z±") == std::string::npos;
    if (format == "strftime")
        return pattern.find("%z") == std::string::npos && pattern.find("%Z") == std::string::npos
            && pattern.find("%s") == std::string::npos;
    return false;
}

//! A duration as an option takes it, rounded up to a convenient unit: 90s, 15m, 9h.
std::string durationOption(int64_t ms)
{
    const int64_t s = (ms + 999) / 1000;
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string((s + 59) / 60) + "m";
    return std::to_string((s + 3599) / 3600) + "h";
}

std::string reasonList(const std::array<int64_t, kRejectReasonCount>& by)
{
    std::string out;
    for (std::size_t i = 0; i < by.size(); ++i)
        if (by[i] > 0)
            out += (out.empty() ? "" : ", ") + std::string(rejectReasonName(static_cast<RejectReason>(i)))
                + " " + std::to_string(by[i]);
    return out;
}

//! Reads the records one by one, the way the ingest does, and keeps the figures.
class Sniffer {
public:
    explicit Sniffer(const SniffOptions& options)
        : m_options(options)
        , m_parser(options.parser)
    {
        m_result.latenessMs = options.latenessMs;
    }

    //! False once enough was read.
    bool add(const Line& record);
    const LineParser& parser() const { return m_parser; }
    SniffResult finish(uint64_t bytesRead, bool wholeFile);

private:
    void addEvent(const ClickEvent& event, SniffLine& line);
    void noteHeader(uint64_t number);
    void mapColumns();
    void addNotes();
    void addTimeNotes();

    SniffOptions m_options;
    LineParser m_parser;
    SniffResult m_result;
    uint64_t m_nextLine = 1;
    int64_t m_max = kNone; //!< the largest event time so far
    std::map<std::pair<std::string, std::string>, int64_t> m_shapes;
    std::vector<std::string> m_rows; //!< the first rows that are neither JSON nor book lines
    std::string m_headerProblem; //!< the parser's word on the first bad header
    std::vector<std::string> m_badTimes; //!< texts of the first bad_timestamp rejects
    std::string m_firstLine; //!< the first non-blank record, when it was rejected
    bool m_sawLine = false;
    std::size_t m_jsonLines = 0;
};

bool Sniffer::add(const Line& record)
{
    SniffLine line;
    line.number = m_nextLine;
    m_nextLine += 1 + (record.multiLine ? std::count(record.text.begin(), record.text.end(), '\n') : 0);
    ++m_result.records;
    ClickEvent event;
    ParseOutcome out { LineKind::Rejected, RejectReason::LineTooLong };
    if (!record.tooLong)
        out = record.multiLine ? m_parser.parseRecord(record.text, event)
                               : m_parser.parse(record.text, event);
    line.kind = out.kind;
    line.reason = out.reason;
    const std::string_view t = trimmed(record.text);
    if (m_rows.size() < kDelimiterLines && !t.empty() && t.front() != '{' && t.front() != '[')
        m_rows.emplace_back(t); // a CSV row, header or junk: what the delimiter is guessed from
    if (!m_sawLine && !t.empty()) {
        m_sawLine = true;
        if (out.kind == LineKind::Rejected) m_firstLine = t;
    }
    if (!t.empty() && t.front() == '{' && m_jsonLines < kJsonKeyLines) {
        ++m_jsonLines;
        addJsonKeyPaths(t, m_result.jsonKeys);
    }
    switch (out.kind) {
    case LineKind::Event:
        addEvent(event, line);
        break;
    case LineKind::Rejected:
        ++m_result.rejected;
        ++m_result.rejectedBy[static_cast<std::size_t>(out.reason)];
        if (out.reason == RejectReason::BadTimestamp && m_badTimes.size() < kBadTimeTexts
            && !m_parser.lastTimeText().empty())
            m_badTimes.emplace_back(m_parser.lastTimeText());
        if (out.reason == RejectReason::BadCsvHeader) {
            noteHeader(line.number);
            if (m_headerProblem.empty()) m_headerProblem = m_parser.headerProblem();
        }
        break;
    case LineKind::Header:
        ++m_result.headers;
        noteHeader(line.number);
        break;
    case LineKind::Blank:
        ++m_result.blank;
        break;
    }
    if (m_result.sample.size() < m_options.sampleLines) {
        line.text = displayText(record.text);
        m_result.sample.push_back(std::move(line));
    }
    return m_result.records < m_options.maxLines;
}

void Sniffer::addEvent(const ClickEvent& event, SniffLine& line)
{
    SniffResult& r = m_result;
    const int64_t t = event.timeMs;
    ++r.events;
    ++r.eventsByFormat[static_cast<std::size_t>(m_parser.format())];
    ++m_shapes[timeShape(m_parser.lastTimeText(), m_options.parser.time)];
    line.timeMs = t;
    if (r.firstTimeMs == kNone) r.firstTimeMs = r.minTimeMs = r.maxTimeMs = t;
    r.lastTimeMs = t;
    r.minTimeMs = std::min(r.minTimeMs, t);
    r.maxTimeMs = std::max(r.maxTimeMs, t);
    if (m_max != kNone) {
        // The engine's rule (docs/semantics.md, step 4): late when the watermark, the largest
        // time before this event minus the lateness, has reached the end of the event's minute.
        const int64_t paneEnd = (paneOf(t) + 1) * kMinuteMs;
        if (t < m_max) {
            ++r.behind;
            r.maxStepBackMs = std::max(r.maxStepBackMs, m_max - t);
        }
        if (m_max - paneEnd >= 0)
            r.latenessForAllOnTimeMs = std::max(r.latenessForAllOnTimeMs, m_max - paneEnd + 1);
        line.late = m_max - m_options.latenessMs >= paneEnd;
        if (line.late) ++r.lateAtLateness;
    }
    m_max = m_max == kNone ? t : std::max(m_max, t);
}

void Sniffer::noteHeader(uint64_t number)
{
    m_result.headerLine = number;
    m_result.header = displayText(m_parser.csvHeader()); // state() holds the map and time format too
    m_result.headerColumns = headerNames(m_parser.csvHeader(), m_options.parser.delimiter);
}

void Sniffer::mapColumns()
{
    SniffResult& r = m_result;
    const LineParser::CsvColumns c = m_parser.csvColumns();
    if (!c.active || r.format != LineFormat::Csv) return;
    const int columns[] = { c.adId, c.time, c.userId, c.ip, c.country, c.clickId };
    std::vector<bool> used(r.headerColumns.size(), false);
    for (std::size_t i = 0; i < std::size(kFields); ++i) {
        SniffColumn m { std::string(kFields[i]), columns[i], {} };
        if (m.column >= 0 && static_cast<std::size_t>(m.column) < r.headerColumns.size()) {
            m.name = r.headerColumns[static_cast<std::size_t>(m.column)];
            used[static_cast<std::size_t>(m.column)] = true;
        }
        r.mapping.push_back(std::move(m));
    }
    for (std::size_t i = 0; i < used.size(); ++i)
        if (!used[i]) r.ignoredColumns.push_back(r.headerColumns[i]);
}

SniffResult Sniffer::finish(uint64_t bytesRead, bool wholeFile)
{
    SniffResult& r = m_result;
    r.bytesRead = bytesRead;
    r.wholeFile = wholeFile;
    r.empty = bytesRead == 0;
    if (r.events > 0) {
        const auto most = std::max_element(r.eventsByFormat.begin(), r.eventsByFormat.end());
        r.format = static_cast<LineFormat>(most - r.eventsByFormat.begin());
    }
    r.delimiter = guessDelimiter(m_rows);
    const int64_t byteRejects = r.rejectedBy[static_cast<std::size_t>(RejectReason::BinaryBytes)]
        + r.rejectedBy[static_cast<std::size_t>(RejectReason::InvalidUtf8)]
        + r.rejectedBy[static_cast<std::size_t>(RejectReason::LineTooLong)];
    r.binary = r.binary || (r.events == 0 && byteRejects > 0 && byteRejects * 2 >= r.rejected);
    if (!m_shapes.empty()) {
        const auto most = std::max_element(
            m_shapes.begin(), m_shapes.end(), [](auto& a, auto& b) { return a.second < b.second; });
        r.timeFormat = most->first.first;
        r.timePattern = most->first.second;
        r.zoneApplies = zoneApplies(r.timeFormat, r.timePattern);
    }
    r.timeOption = m_options.parser.time.format();
    r.timeZone = m_options.parser.time.zone().name();
    if (!m_badTimes.empty()) {
        r.badTimeExample = displayText(m_badTimes.front());
        r.suggestedTimeFormats = guessTimePattern(m_badTimes).patterns;
    }
    mapColumns();
    if (r.headerLine == 0 && !m_firstLine.empty()) {
        std::vector<std::string> names = headerNames(m_firstLine, m_options.parser.delimiter);
        const bool allNames = std::all_of(names.begin(), names.end(), [](const std::string& n) {
            const char c = n.empty() ? '0' : n.front();
            return n.size() <= 64 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
        });
        if (names.size() >= 2 && allNames) r.firstLineColumns = std::move(names);
    }
    addNotes();
    return std::move(m_result);
}

void Sniffer::addNotes()
{
    SniffResult& r = m_result;
    auto note = [&r](std::string text) { r.notes.push_back(std::move(text)); };
    const auto by = [&r](RejectReason reason) { return r.rejectedBy[static_cast<std::size_t>(reason)]; };
    if (r.empty) note("the file is empty");
    if (r.binary) note("this is not a text file (control bytes or broken UTF-8): not a click log");
    if (const char given = m_options.parser.delimiter; !m_rows.empty() && r.delimiter != given) {
        // Quoted for a shell: ';' and '|' are its own separators.
        const std::string option = r.delimiter == '\t' ? "tab" : "'" + delimiterName(r.delimiter) + "'";
        note("the rows look separated by '" + delimiterName(r.delimiter) + "', not by '"
            + delimiterName(given) + "': read them with --delimiter " + option);
    }
    if (r.events == 0 && by(RejectReason::TooManyFields) > 0 && r.headerLine == 0)
        note("no header naming the columns ad_id and click_timestamp (or a synonym, or --map) was found: "
             "rows are read as ad_id,click_timestamp,user_id,ip,country[,click_id]");
    if (by(RejectReason::BadCsvHeader) > 0)
        note(m_headerProblem.empty() ? std::string("a header lacks a required or mapped column")
                                     : m_headerProblem);
    if (r.events > 0 && r.maxTimeMs < 315'532'800'000) // 1980-01-01
        note("every time is before 1980: epoch numbers below 10^9 are read as milliseconds; if they are "
             "epoch seconds, give --time-format epoch-s");
    if (r.events > 0 && r.zoneApplies) note("the times have no zone: they are read as " + r.timeZone);
    addTimeNotes();
    if (r.rejected > 0)
        note(std::to_string(r.rejected) + " of " + std::to_string(r.rejected + r.events)
            + " lines are rejected (" + reasonList(r.rejectedBy) + ")"
            + (r.events == 0 ? ": no line is read as a click" : ""));
    if (r.suggestsAnyOrder())
        note(std::to_string(r.lateAtLateness) + " of " + std::to_string(r.events)
            + " clicks would be late with a lateness of " + durationOption(r.latenessMs)
            + ": the lines are not in time order; read them in any order (--order any), or with --lateness "
            + durationOption(r.latenessForAllOnTimeMs) + " (a new database)");
    if (!r.wholeFile && !r.empty) note("only the first " + std::to_string(r.records) + " lines were read");
}

void Sniffer::addTimeNotes()
{
    SniffResult& r = m_result;
    const int64_t bad = r.rejectedBy[static_cast<std::size_t>(RejectReason::BadTimestamp)];
    if (bad == 0 || r.badTimeExample.empty()) return;
    const std::string lines = std::to_string(bad) + " time stamp" + (bad == 1 ? " is" : "s are")
        + " not read with --time-format " + r.timeOption + " (e.g. '" + r.badTimeExample + "')";
    const std::vector<std::string>& s = r.suggestedTimeFormats;
    if (s.size() == 1)
        r.notes.push_back(lines + ": they look like '" + s[0] + "': give --time-format '" + s[0] + "'");
    else if (s.size() == 2)
        r.notes.push_back(lines + ": they read as day-first '" + s[0] + "' and as month-first '" + s[1]
            + "' (no day above 12 among them), so which it is cannot be told: give the right one with "
              "--time-format; until then they are rejected as bad_timestamp");
    else
        r.notes.push_back(lines
            + ": their shape is not one the sniffer knows; give --time-format with a "
              "strftime pattern (docs/semantics.md, \"Time stamps\")");
}

//! Sniffs an open file: up to the options' lines and bytes.
Result<SniffResult> sniffOpen(InputFile& file, const SniffOptions& options)
{
    Sniffer sniffer(options);
    RecordReader reader;
    std::string buffer(std::min<std::size_t>(options.maxBytes, 1u << 20), '\0');
    uint64_t read = 0;
    bool more = true, atEnd = false;
    Line record;
    while (more && read < options.maxBytes) {
        const std::size_t want = std::min<std::size_t>(buffer.size(), options.maxBytes - read);
        auto n = file.read(std::span<char>(buffer.data(), want));
        if (!n) return n.status();
        if (*n == 0) {
            atEnd = true;
            break;
        }
        read += *n;
        reader.feed(std::string_view(buffer.data(), *n));
        while (more && reader.next(record, sniffer.parser()))
            more = sniffer.add(record);
    }
    if (atEnd) // a last line without '\n' is complete at the end of the file
        while (more && reader.finish(record, sniffer.parser()))
            more = sniffer.add(record);
    return sniffer.finish(read, atEnd && more);
}

} // namespace

std::string sniffVerdictName(const SniffLine& line)
{
    switch (line.kind) {
    case LineKind::Event:
        return line.late ? "late" : "accepted";
    case LineKind::Header:
        return "header";
    case LineKind::Blank:
        return "blank";
    case LineKind::Rejected:
        return std::string(rejectReasonName(line.reason));
    }
    return "unknown";
}

SniffResult sniffText(std::string_view content, const SniffOptions& options)
{
    Sniffer sniffer(options);
    RecordReader reader;
    reader.feed(content.substr(0, options.maxBytes));
    Line record;
    bool more = true;
    while (more && reader.next(record, sniffer.parser()))
        more = sniffer.add(record);
    while (more && reader.finish(record, sniffer.parser()))
        more = sniffer.add(record);
    return sniffer.finish(
        std::min(content.size(), options.maxBytes), more && content.size() <= options.maxBytes);
}

Result<SniffResult> sniffFile(const std::string& path, const SniffOptions& options)
{
    std::string target = path;
    struct stat st { };
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        auto listed
            = expandSources({ path }, { options.parser.format, false, options.parser.time, options.own });
        if (!listed) return listed.status();
        if (listed->paths.empty()) return Result<SniffResult>::error("'" + path + "' holds no file to read");
        target = listed->paths.front();
    } else if (options.own.contains(path)) {
        return Result<SniffResult>::error("'" + path + "' is a database open here, not a click log");
    }
    auto file = InputFile::open(target);
    if (!file) return file.status();
    auto result = sniffOpen(**file, options);
    if (!result) return result.status();
    result->path = target;
    return result;
}

} // namespace adclick::core
