#include "core/ingest/spill_sort.h"

#include "core/base/big_alloc.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <new>
#include <queue>
#include <unistd.h>

namespace adclick::core {

namespace {

//! A record on disk: the key's three words, the payload length, the payload.
constexpr std::size_t kHeaderBytes = 3 * sizeof(uint64_t) + sizeof(uint32_t);
constexpr std::size_t kWriteBufferBytes = 1u << 20;

Status ioError(const std::string& what, const std::string& dir)
{
    const int err = errno;
    const bool full = err == ENOSPC || err == EDQUOT || err == EFBIG;
    return Status::error(what + " in '" + dir + "': " + std::strerror(err)
        + (full ? " (--order any needs free space about the size of the input there; --tmp DIR puts "
                  "it elsewhere)"
                : ""));
}

class RunWriter {
public:
    RunWriter(int fd, std::string dir)
        : m_fd(fd)
        , m_dir(std::move(dir))
    {
        m_buf.reserve(kWriteBufferBytes);
    }
    Status add(const SortKey& k, std::string_view payload)
    {
        const uint32_t len = static_cast<uint32_t>(payload.size());
        char head[kHeaderBytes];
        std::memcpy(head, &k.a, 8);
        std::memcpy(head + 8, &k.b, 8);
        std::memcpy(head + 16, &k.c, 8);
        std::memcpy(head + 24, &len, 4);
        m_buf.append(head, kHeaderBytes);
        m_buf.append(payload);
        return m_buf.size() >= kWriteBufferBytes ? flush() : Status::ok();
    }
    Status flush()
    {
        std::size_t done = 0;
        while (done < m_buf.size()) {
            const ssize_t n = ::write(m_fd, m_buf.data() + done, m_buf.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return ioError("cannot write a sort run", m_dir);
            done += static_cast<std::size_t>(n);
        }
        m_written += m_buf.size();
        m_buf.clear();
        return Status::ok();
    }
    uint64_t written() const { return m_written; }

private:
    int m_fd;
    std::string m_dir;
    std::string m_buf;
    uint64_t m_written = 0;
};

//! One source of a merge: a run file or the sorted records in memory.
class Source {
public:
    virtual ~Source() = default;
    //! The next record into key/payload (valid until the next call); false at the end or error.
    virtual bool next(SortKey& key, std::string_view& payload) = 0;
    Status status = Status::ok();
};

class RunSource final : public Source {
public:
    RunSource(const SpillSorter::Run& run, std::string dir)
        : m_run(run)
        , m_dir(std::move(dir))
    {
        m_buf.resize(SpillSorter::kReadBufferBytes);
    }
    bool next(SortKey& key, std::string_view& payload) override
    {
        if (!ensure(kHeaderBytes)) return false;
        const char* p = m_buf.data() + m_at;
        uint32_t len = 0;
        std::memcpy(&key.a, p, 8);
        std::memcpy(&key.b, p + 8, 8);
        std::memcpy(&key.c, p + 16, 8);
        std::memcpy(&len, p + 24, 4);
        if (!ensure(kHeaderBytes + len)) {
            if (status) status = Status::error("a sort run in '" + m_dir + "' ends inside a record");
            return false;
        }
        payload = std::string_view(m_buf.data() + m_at + kHeaderBytes, len);
        m_at += kHeaderBytes + len;
        return true;
    }

private:
    //! At least `need` bytes buffered from m_at on; false at the end of the run or on error.
    bool ensure(std::size_t need)
    {
        if (m_end - m_at >= need) return true;
        std::memmove(m_buf.data(), m_buf.data() + m_at, m_end - m_at);
        m_end -= m_at;
        m_at = 0;
        if (m_buf.size() < need) m_buf.resize(need);
        while (m_end < need && m_fileAt < m_run.bytes) {
            const std::size_t want
                = static_cast<std::size_t>(std::min<uint64_t>(m_buf.size() - m_end, m_run.bytes - m_fileAt));
            const ssize_t n = ::pread(m_run.fd, m_buf.data() + m_end, want, static_cast<off_t>(m_fileAt));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                status = n < 0 ? ioError("cannot read a sort run", m_dir)
                               : Status::error("a sort run in '" + m_dir + "' is shorter than written");
                return false;
            }
            m_end += static_cast<std::size_t>(n);
            m_fileAt += static_cast<uint64_t>(n);
        }
        return m_end - m_at >= need;
    }

    SpillSorter::Run m_run;
    std::string m_dir;
    std::string m_buf;
    std::size_t m_at = 0, m_end = 0;
    uint64_t m_fileAt = 0;
};

template <typename Item> class MemorySource final : public Source {
public:
    MemorySource(const Item* begin, const Item* end, const char* buf)
        : m_at(begin)
        , m_end(end)
        , m_buf(buf)
    { }
    bool next(SortKey& key, std::string_view& payload) override
    {
        if (m_at == m_end) return false;
        const Item& it = *m_at++;
        key = it.key;
        payload = std::string_view(m_buf + (it.at >> 24), it.at & 0xffffff);
        return true;
    }

private:
    const Item *m_at, *m_end;
    const char* m_buf;
};

//! A k-way merge over sources with a binary heap of their current records.
class MergeCursor final : public SpillSorter::Cursor {
public:
    explicit MergeCursor(std::vector<std::unique_ptr<Source>> sources)
        : m_sources(std::move(sources))
        , m_heads(m_sources.size())
    {
        for (std::size_t i = 0; i < m_sources.size(); ++i)
            pull(i);
    }
    bool next(SortKey& key, std::string_view& payload) override
    {
        if (m_last != kNone) pull(m_last); // its payload view was handed out: advance it only now
        m_last = kNone;
        if (m_heap.empty()) return false;
        std::pop_heap(m_heap.begin(), m_heap.end(), Greater { this });
        m_last = m_heap.back();
        m_heap.pop_back();
        key = m_heads[m_last].key;
        payload = m_heads[m_last].payload;
        return true;
    }
    Status status() const override
    {
        for (const auto& s : m_sources)
            if (!s->status) return s->status;
        return Status::ok();
    }

private:
    static constexpr std::size_t kNone = SIZE_MAX;
    struct Head {
        SortKey key;
        std::string_view payload;
    };
    struct Greater {
        const MergeCursor* self;
        bool operator()(std::size_t x, std::size_t y) const
        {
            return self->m_heads[y].key < self->m_heads[x].key;
        }
    };
    void pull(std::size_t i)
    {
        if (!m_sources[i]->next(m_heads[i].key, m_heads[i].payload)) return;
        m_heap.push_back(i);
        std::push_heap(m_heap.begin(), m_heap.end(), Greater { this });
    }

    std::vector<std::unique_ptr<Source>> m_sources;
    std::vector<Head> m_heads;
    std::vector<std::size_t> m_heap;
    std::size_t m_last = kNone;
};

} // namespace

void appendVarint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

bool readVarint(std::string_view& in, uint64_t& v)
{
    v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        v |= uint64_t(byte & 0x7f) << shift;
        if (byte < 0x80) return true;
    }
    return false;
}

SpillSorter::SpillSorter(std::string dir, std::size_t memoryBytes, std::size_t keepBytes)
    : m_dir(std::move(dir))
    , m_memoryBytes(memoryBytes)
    , m_keepBytes(keepBytes)
{ }

SpillSorter::~SpillSorter()
{
    for (const Run& r : m_runs)
        ::close(r.fd);
    release();
}

void SpillSorter::allocate(std::size_t bytes)
{
    release();
    m_bufBytes = bytes / sizeof(Item) * sizeof(Item);
    m_buf = static_cast<char*>(allocateZeroed(m_bufBytes));
    m_arenaEnd = 0;
    m_itemsAt = m_bufBytes;
}

void SpillSorter::release()
{
    if (m_buf) freeZeroed(m_buf, m_bufBytes);
    m_buf = nullptr;
    m_bufBytes = m_arenaEnd = m_itemsAt = 0;
}

Status SpillSorter::add(const SortKey& key, std::string_view payload)
{
    const std::size_t need = payload.size() + sizeof(Item);
    if (m_arenaEnd + need > m_itemsAt) {
        if (itemCount() > 0)
            if (auto st = spill(); !st) return st;
        // The first record, or one larger than the budget (a line can be 64 KiB): room for it.
        if (m_arenaEnd + need > m_itemsAt) allocate(std::max(m_memoryBytes, 2 * need));
    }
    m_itemsAt -= sizeof(Item);
    new (m_buf + m_itemsAt) Item { key, uint64_t(m_arenaEnd) << 24 | payload.size() };
    std::memcpy(m_buf + m_arenaEnd, payload.data(), payload.size());
    m_arenaEnd += payload.size();
    ++m_records;
    return Status::ok();
}

void SpillSorter::sortItems()
{
    std::sort(items(), items() + itemCount(), [](const Item& x, const Item& y) { return x.key < y.key; });
}

Result<SpillSorter::Run> SpillSorter::newRun(int level)
{
    std::string path = m_dir + "/.adclick-sort-XXXXXX";
    const int fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) return Result<Run>(ioError("cannot create a sort run", m_dir));
    ::unlink(path.c_str()); // nothing is left behind, whatever ends the process
    ++m_runsWritten;
    return Run { fd, 0, level };
}

Status SpillSorter::spill()
{
    if (itemCount() == 0) return Status::ok();
    sortItems();
    auto run = newRun(0);
    if (!run) return run.status();
    RunWriter w(run->fd, m_dir);
    for (const Item *it = items(), *end = it + itemCount(); it != end; ++it)
        if (auto st = w.add(it->key, payloadOf(*it)); !st) {
            ::close(run->fd);
            return st;
        }
    Status st = w.flush();
    run->bytes = w.written();
    m_bytesWritten += w.written();
    m_runs.push_back(*run);
    if (!st) return st;
    m_arenaEnd = 0; // the buffer stays for the next run
    m_itemsAt = m_bufBytes;
    return compactLevels(false);
}

Status SpillSorter::compactLevels(bool finalPass)
{
    for (;;) {
        // During the run a level is merged when it has kFanIn runs; at the end, the lowest level
        // with two or more runs is merged until all runs fit into one merge.
        std::map<int, std::size_t> perLevel;
        for (const Run& r : m_runs)
            ++perLevel[r.level];
        int pick = -1;
        for (const auto& [level, n] : perLevel)
            if (n >= kFanIn || (finalPass && m_runs.size() > kFanIn && n > 1)) {
                pick = level;
                break;
            }
        if (pick < 0) return Status::ok();
        std::vector<Run> same;
        for (const Run& r : m_runs)
            if (r.level == pick && same.size() < kFanIn) same.push_back(r);
        std::erase_if(m_runs, [&](const Run& r) {
            return std::any_of(same.begin(), same.end(), [&](const Run& s) { return s.fd == r.fd; });
        });
        if (auto st = mergeInto(std::move(same), pick + 1); !st) return st;
    }
}

Status SpillSorter::mergeInto(std::vector<Run> runs, int level)
{
    auto out = newRun(level);
    if (!out) return out.status();
    std::vector<std::unique_ptr<Source>> sources;
    for (const Run& r : runs)
        sources.push_back(std::make_unique<RunSource>(r, m_dir));
    MergeCursor merge(std::move(sources));
    RunWriter w(out->fd, m_dir);
    SortKey key;
    std::string_view payload;
    Status st = Status::ok();
    while (st && merge.next(key, payload))
        st = w.add(key, payload);
    if (st) st = merge.status();
    if (st) st = w.flush();
    for (const Run& r : runs)
        ::close(r.fd);
    out->bytes = w.written();
    m_bytesWritten += w.written();
    m_runs.push_back(*out);
    return st;
}

Status SpillSorter::finish()
{
    if (m_runs.empty() && memoryUsed() <= m_keepBytes) {
        sortItems();
        m_inMemory = true;
        return Status::ok();
    }
    if (auto st = spill(); !st) return st;
    release(); // the next phases need the memory
    return compactLevels(true);
}

Result<std::unique_ptr<SpillSorter::Cursor>> SpillSorter::open() const
{
    std::vector<std::unique_ptr<Source>> sources;
    if (m_inMemory)
        sources.push_back(std::make_unique<MemorySource<Item>>(items(), items() + itemCount(), m_buf));
    for (const Run& r : m_runs)
        sources.push_back(std::make_unique<RunSource>(r, m_dir));
    return std::unique_ptr<Cursor>(std::make_unique<MergeCursor>(std::move(sources)));
}

} // namespace adclick::core
