#include "core/input/source_list.h"

#include "core/base/sys_text.h"
#include "core/input/input_file.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <type_traits>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace adclick::core {

namespace {

// Enough for the first click of any sane log, little enough to peek at thousands of files.
constexpr std::size_t kPeekBytes = 64 * 1024;
// Longer order lists are shortened in the note to their first and last names.
constexpr std::size_t kNoteNames = 20;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

int number(std::string_view digits)
{
    int v = 0;
    for (char c : digits)
        v = v * 10 + (c - '0');
    return v;
}

bool validDate(int year, int month, int day)
{
    return year >= 1900 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

//! YYYYMMDD, optionally with hh, hhmm or hhmmss after it: logrotate's dateext forms.
bool isCompactDate(std::string_view run)
{
    const std::size_t n = run.size();
    return (n == 8 || n == 10 || n == 12 || n == 14) && allDigits(run)
        && validDate(number(run.substr(0, 4)), number(run.substr(4, 2)), number(run.substr(6, 2)));
}

std::size_t digitRunEnd(std::string_view s, std::size_t i)
{
    while (i < s.size() && isDigit(s[i]))
        ++i;
    return i;
}

bool isSeparator(char c)
{
    return c == '-' || c == '_' || c == '.';
}

struct DateSpan {
    std::size_t begin = 0, end = 0;
    std::string digits;
};

//! A time after a date that ends at `pos`: "-hh", "Thhmm", "_hhmmss", "-hh-mm-ss", "Thh:mm" or
//! "-<epoch seconds>" (logrotate's %s). Appends its digits; returns where it ends (`pos`: none).
std::size_t timeAfter(std::string_view s, std::size_t pos, std::string& digits)
{
    if (pos >= s.size() || !(isSeparator(s[pos]) || s[pos] == 'T')) return pos;
    std::size_t end = digitRunEnd(s, pos + 1);
    const std::size_t len = end - pos - 1;
    if (len != 2 && len != 4 && len != 6 && len != 10) return pos;
    digits += s.substr(pos + 1, len);
    for (int group = 0; len == 2 && group < 2; ++group) { // minutes and seconds in groups of two
        if (end + 3 > s.size() || !(isSeparator(s[end]) || s[end] == ':')
            || digitRunEnd(s, end + 1) != end + 3)
            break;
        digits += s.substr(end + 1, 2);
        end += 3;
    }
    return end;
}

//! "YYYY-MM-DD" (or with '_' or '.') starting at `i`, its year ending at `yearEnd`.
bool separatedDate(std::string_view s, std::size_t i, std::size_t yearEnd, DateSpan& out)
{
    const std::size_t j = yearEnd;
    if (j - i != 4 || j + 6 > s.size()) return false;
    const char sep = s[j];
    if (!isSeparator(sep)) return false;
    if (digitRunEnd(s, j + 1) != j + 3 || s[j + 3] != sep || digitRunEnd(s, j + 4) != j + 6) return false;
    if (!validDate(number(s.substr(i, 4)), number(s.substr(j + 1, 2)), number(s.substr(j + 4, 2))))
        return false;
    out = { i, j + 6,
        std::string(s.substr(i, 4)) + std::string(s.substr(j + 1, 2)) + std::string(s.substr(j + 4, 2)) };
    return true;
}

//! The first date stamp in `s` with the time after it, if any.
std::optional<DateSpan> findDate(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        if (!isDigit(s[i])) {
            ++i;
            continue;
        }
        const std::size_t j = digitRunEnd(s, i);
        DateSpan span;
        if (isCompactDate(s.substr(i, j - i)))
            span = { i, j, std::string(s.substr(i, j - i)) };
        else if (!separatedDate(s, i, j, span)) {
            i = j;
            continue;
        }
        if (span.digits.size() == 8) span.end = timeAfter(s, span.end, span.digits);
        return span;
    }
    return std::nullopt;
}

struct Item {
    std::string name;
    std::optional<int64_t> first;
    RotationKey key;
    std::optional<int64_t> effective; //!< first, or its set neighbour's when the file has none
};

//! What the names of two files of one set say: < 0 `a` is older, > 0 `b` is, 0 nothing.
int compareRotation(const RotationKey& a, const RotationKey& b)
{
    const bool ad = !a.date.empty(), bd = !b.date.empty();
    if (ad != bd) return ad ? -1 : 1;
    if (a.date != b.date) return a.date < b.date ? -1 : 1;
    if (a.number.has_value() != b.number.has_value()) return a.number ? -1 : 1;
    if (a.number && *a.number != *b.number) return *a.number > *b.number ? -1 : 1;
    return 0;
}

//! The order inside one rotated set: dated by date, then numbered by descending number, then
//! the rest (the live file); ties by first event time (known ones first), then by name bytes.
bool olderInSet(const Item& a, const Item& b)
{
    if (const int byName = compareRotation(a.key, b.key)) return byName < 0;
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    if (a.first && *a.first != *b.first) return *a.first < *b.first;
    return a.name < b.name;
}

//! A file without a parseable event stays with its set: it takes the time of the file before
//! it, or (at the front of the set) of the first file after it that has one.
void fillEffectiveTimes(std::vector<Item>& set)
{
    std::optional<int64_t> last;
    for (Item& it : set) {
        if (it.first) last = it.first;
        it.effective = last;
    }
    std::optional<int64_t> next;
    for (auto it = set.rbegin(); it != set.rend(); ++it) {
        if (it->effective)
            next = it->effective;
        else
            it->effective = next;
    }
}

struct Listing {
    std::vector<std::string> names;
    std::vector<std::string> skipped;
};

//! A symbolic link in `dir` to a file: true to read it. A link that resolves outside `realDir`
//! (the directory itself, symlinks resolved) is read only with followSymlinks; skipped ones are
//! said in `skipped`.
bool acceptLink(const std::string& full, const std::string& realDir, bool followSymlinks,
    std::vector<std::string>& skipped)
{
    char* resolved = ::realpath(full.c_str(), nullptr);
    if (!resolved) {
        skipped.push_back(
            "skipped " + quoted(full) + ": cannot resolve the symbolic link (" + errnoText(errno) + ")");
        return false;
    }
    const std::string target(resolved);
    std::free(resolved);
    const std::string inside = realDir == "/" ? realDir : realDir + "/";
    if (followSymlinks || target.compare(0, inside.size(), inside) == 0) return true;
    skipped.push_back("skipped " + quoted(full) + ": a symbolic link to " + quoted(target)
        + ", outside the folder (--follow-symlinks reads it)");
    return false;
}

//! The regular files of `dir` (hidden ones skipped; links as acceptLink says), in name order.
Result<Listing> listDirectory(const std::string& dir, bool followSymlinks)
{
    using R = Result<Listing>;
    char* real = ::realpath(dir.c_str(), nullptr);
    if (!real) return R::error("cannot read directory " + quoted(dir) + ": " + errnoText(errno));
    const std::string realDir(real);
    std::free(real);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return R::error("cannot read directory " + quoted(dir) + ": " + errnoText(errno));
    const std::string prefix = dir.back() == '/' ? dir : dir + "/";
    Listing out;
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(d);
        if (!entry) {
            const int err = errno;
            ::closedir(d);
            if (err != 0) return R::error("cannot read directory " + quoted(dir) + ": " + errnoText(err));
            break;
        }
        if (entry->d_name[0] == '.') continue; // hidden, and . and ..
        struct stat st;
        if (::fstatat(::dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; // gone
        if (S_ISLNK(st.st_mode)) {
            const std::string full = prefix + entry->d_name;
            struct stat target;
            if (::fstatat(::dirfd(d), entry->d_name, &target, 0) != 0) {
                if (errno == ENOENT)
                    out.skipped.push_back("skipped " + quoted(full) + ": a symbolic link that leads nowhere");
                continue;
            }
            // A link to a directory or a device is not read anyway.
            if (!S_ISREG(target.st_mode) || !acceptLink(full, realDir, followSymlinks, out.skipped)) continue;
            st = target;
        }
        if (S_ISREG(st.st_mode)) out.names.emplace_back(entry->d_name);
    }
    // std::string compares bytes as unsigned char: byte order, independent of the locale.
    std::sort(out.names.begin(), out.names.end());
    std::sort(out.skipped.begin(), out.skipped.end());
    return out;
}

//! Takes the database's own files (a database kept in the folder of its logs) out of `listed`,
//! with one line in its `skipped` naming them.
void skipOwnFiles(Listing& listed, const std::string& prefix, const OwnFiles& own)
{
    if (own.empty()) return;
    std::string names;
    std::erase_if(listed.names, [&](const std::string& name) {
        if (!own.contains(prefix + name)) return false;
        names += (names.empty() ? "" : ", ") + quoted(prefix + name);
        return true;
    });
    if (!names.empty()) listed.skipped.push_back("skipped " + names + ": the database this ingest writes");
}

//! Files named one by one are read in the order given; when that order reads a rotated set
//! newer first (a shell glob sorts app.log before app.log.1), say so: its clicks come out late.
std::optional<std::string> checkGivenOrder(const std::vector<std::string>& files)
{
    std::map<std::pair<std::string, std::string>, std::pair<std::string, RotationKey>> lastOfSet;
    for (const std::string& path : files) {
        const std::size_t slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
        RotationKey key = rotationKeyOf(slash == std::string::npos ? path : path.substr(slash + 1));
        auto [it, fresh] = lastOfSet.try_emplace({ dir, key.set }, path, key);
        if (!fresh && compareRotation(key, it->second.second) < 0)
            return quoted(it->second.first) + " is named before the older " + quoted(path)
                + ", and files named one by one are read in the order given: the newer clicks come first and "
                  "the older ones can be late (name the folder, which is read oldest first)";
        it->second = { path, std::move(key) };
    }
    return std::nullopt;
}

std::string orderNote(const std::string& dir, const std::vector<std::string>& names)
{
    std::string note = "reading " + std::to_string(names.size()) + (names.size() == 1 ? " file" : " files")
        + " of " + quoted(dir) + " oldest first: ";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names.size() > 2 * kNoteNames && i == kNoteNames) {
            note += "… (" + std::to_string(names.size() - 2 * kNoteNames) + " more) …, ";
            i = names.size() - kNoteNames;
        }
        note += names[i] + (i + 1 < names.size() ? ", " : "");
    }
    return note;
}

} // namespace

RotationKey rotationKeyOf(std::string_view name)
{
    std::string_view n = name;
    for (const std::string_view ext : { std::string_view(".gz"), std::string_view(".zst") })
        if (n.size() > ext.size() && n.ends_with(ext)) n.remove_suffix(ext.size());
    RotationKey key;
    const std::size_t dot = n.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
        const std::string_view tail = n.substr(dot + 1);
        if (allDigits(tail) && tail.size() <= 9 && !isCompactDate(tail)) {
            key.number = std::strtoull(std::string(tail).c_str(), nullptr, 10);
            n = n.substr(0, dot);
        }
    }
    const auto date = findDate(n);
    if (!date) {
        key.set = std::string(n);
        return key;
    }
    key.date = date->digits;
    if (key.date.size() < 14) key.date.resize(14, '0'); // missing time digits are 0
    std::size_t begin = date->begin, end = date->end;
    if (begin > 0 && isSeparator(n[begin - 1]))
        --begin;
    else if (end < n.size() && isSeparator(n[end]))
        ++end;
    key.set = std::string(n.substr(0, begin)) + std::string(n.substr(end));
    return key;
}

std::vector<std::string> orderOldestFirst(std::vector<FolderFile> files)
{
    std::map<std::string, std::vector<Item>> sets;
    for (FolderFile& f : files) {
        RotationKey key = rotationKeyOf(f.name);
        std::string set = key.set;
        sets[set].push_back(Item { std::move(f.name), f.firstEventMs, std::move(key), std::nullopt });
    }
    // The next file of every set, keyed by (no event time, its time, set name): a k-way merge.
    using Head = std::tuple<bool, int64_t, std::string>;
    std::set<Head> heads;
    std::map<std::string, std::size_t> next;
    for (auto& [name, set] : sets) {
        std::sort(set.begin(), set.end(), olderInSet);
        fillEffectiveTimes(set);
        heads.emplace(!set.front().effective, set.front().effective.value_or(0), name);
        next[name] = 0;
    }
    std::vector<std::string> order;
    order.reserve(files.size());
    while (!heads.empty()) {
        const std::string name = std::get<2>(*heads.begin());
        heads.erase(heads.begin());
        const std::vector<Item>& set = sets[name];
        std::size_t& i = next[name];
        order.push_back(set[i].name);
        if (++i < set.size()) heads.emplace(!set[i].effective, set[i].effective.value_or(0), name);
    }
    return order;
}

std::optional<int64_t> peekFirstEventMs(
    const std::string& path, LineFormat format, const TimeFormat& timeFormat)
{
    auto file = InputFile::open(path);
    if (!file || !(*file)->seekable()) return std::nullopt;
    std::string head(kPeekBytes, '\0');
    std::size_t got = 0;
    while (got < head.size()) {
        auto n = (*file)->read(std::span<char>(head.data() + got, head.size() - got));
        if (!n || *n == 0) break; // a read error ends the peek: the ingest will report it
        got += *n;
    }
    LineParser parser(format);
    parser.setTimeFormat(timeFormat);
    ClickEvent event;
    std::string_view rest(head.data(), got);
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        if (nl == std::string_view::npos && got == head.size()) break; // cut by the peek
        if (parser.parse(rest.substr(0, nl), event).kind == LineKind::Event) return event.timeMs;
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
    return std::nullopt;
}

Result<SourceList> expandSources(const std::vector<std::string>& args, const SourceListOptions& options)
{
    using R = Result<SourceList>;
    SourceList out;
    std::vector<std::string> given; // files named one by one
    for (const auto& arg : args) {
        if (arg == "-") {
            out.paths.push_back(arg);
            continue;
        }
        struct stat st;
        if (arg.empty() || ::stat(arg.c_str(), &st) != 0) {
            if (arg.empty() || errno == ENOENT || errno == ENOTDIR)
                return R::error("no such file or directory: " + quoted(arg));
            return R::error("cannot access " + quoted(arg) + ": " + errnoText(errno));
        }
        if (options.own.contains(st))
            return R::error(
                quoted(arg) + " is the database this ingest writes (or one of its files), not a click log");
        if (!S_ISDIR(st.st_mode)) { // a regular file, or a FIFO/device the user named on purpose
            out.paths.push_back(arg);
            given.push_back(arg);
            continue;
        }
        auto listed = listDirectory(arg, options.followSymlinks);
        if (!listed) return R(listed.status());
        const std::string prefix = arg.back() == '/' ? arg : arg + "/";
        skipOwnFiles(*listed, prefix, options.own);
        out.skipped.insert(out.skipped.end(), listed->skipped.begin(), listed->skipped.end());
        if (listed->names.empty()) {
            std::string message = "no files in directory " + quoted(arg);
            for (const std::string& s : listed->skipped)
                message += "; " + s;
            return R::error(message);
        }
        std::vector<FolderFile> files;
        for (std::string& name : listed->names)
            files.push_back({ name, peekFirstEventMs(prefix + name, options.format, options.timeFormat) });
        const std::vector<std::string> order = orderOldestFirst(std::move(files));
        out.notes.push_back(orderNote(arg, order));
        for (const std::string& name : order)
            out.paths.push_back(prefix + name);
    }
    if (auto warning = checkGivenOrder(given)) out.warnings.push_back(std::move(*warning));
    return out;
}

} // namespace adclick::core
