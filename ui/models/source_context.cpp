#include "ui/models/source_context.h"

#include "core/input/input_file.h"

#include <QFile>
#include <QFileInfo>
#include <QObject>

#include <algorithm>
#include <deque>
#include <vector>

namespace adclick::ui {

namespace {

constexpr std::size_t kChunk = 1 << 20;
//! The context shown never needs more than this (lines are capped at 64 KiB by the ingest).
constexpr std::size_t kMaxContextBytes = 4 << 20;

//! Counts the newlines in [0, offset) and keeps where the last `keep` lines start.
core::Status scanTo(
    core::InputFile& in, int64_t offset, int keep, int64_t& newlines, std::deque<int64_t>& starts)
{
    std::vector<char> buf(kChunk);
    int64_t pos = 0;
    starts.push_back(0);
    while (pos < offset) {
        const std::size_t want = std::size_t(std::min<int64_t>(int64_t(buf.size()), offset - pos));
        auto n = in.read(std::span<char>(buf.data(), want));
        if (!n) return n.status();
        if (*n == 0)
            return core::Status::error("the file is shorter than the line's position (changed since?)");
        for (std::size_t i = 0; i < *n; ++i) {
            if (buf[i] != '\n') continue;
            ++newlines;
            starts.push_back(pos + int64_t(i) + 1);
            if (int(starts.size()) > keep + 1) starts.pop_front();
        }
        pos += int64_t(*n);
    }
    return core::Status::ok();
}

} // namespace

SourceContext readSourceContext(const QString& path, int64_t offset, int around)
{
    SourceContext out;
    out.path = path;
    out.offset = offset;
    if (!QFileInfo(path).isFile()) {
        out.error = QObject::tr("'%1' is not a file here (a Kafka source, or moved or deleted)").arg(path);
        return out;
    }
    const std::string file = QFile::encodeName(path).toStdString();
    auto in = core::InputFile::open(file);
    if (!in) {
        out.error = QString::fromStdString(in.message());
        return out;
    }
    int64_t newlines = 0;
    std::deque<int64_t> starts;
    if (core::Status st = scanTo(**in, offset, around, newlines, starts); !st) {
        out.error = QString::fromStdString(st.message());
        return out;
    }
    out.lineNumber = newlines + 1;
    // starts: the last lines' starts before the offset, then the line itself (when the offset
    // starts a line, its start is the last one found).
    if (starts.back() != offset) starts.push_back(offset);
    while (int(starts.size()) > around + 1)
        starts.pop_front();
    const int64_t from = starts.front();
    out.firstLineNumber = out.lineNumber - int64_t(starts.size()) + 1;
    auto again = core::InputFile::open(file);
    if (!again || !(*again)->seek(uint64_t(from))) {
        out.error = QObject::tr("cannot read '%1' again").arg(path);
        return out;
    }
    std::string text;
    std::vector<char> buf(kChunk);
    const int wanted = int(starts.size()) + around;
    while (text.size() < kMaxContextBytes && std::count(text.begin(), text.end(), '\n') < wanted) {
        auto n = (*again)->read(std::span<char>(buf.data(), buf.size()));
        if (!n || *n == 0) break;
        text.append(buf.data(), *n);
    }
    const QStringList all = QString::fromUtf8(text.data(), qsizetype(text.size())).split(QLatin1Char('\n'));
    out.lines = all.mid(0, std::min<qsizetype>(all.size(), wanted));
    while (!out.lines.isEmpty() && out.lines.back().isEmpty() && out.lines.size() > int(starts.size()))
        out.lines.removeLast();
    for (QString& l : out.lines)
        if (l.endsWith(QLatin1Char('\r'))) l.chop(1);
    return out;
}

} // namespace adclick::ui
