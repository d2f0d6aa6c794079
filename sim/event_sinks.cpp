#include "sim/event_sinks.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace adclick::core::clickgen {

namespace {

class GzipSink final : public Sink {
public:
    explicit GzipSink(std::unique_ptr<FileSink> file)
        : m_file(std::move(file))
        , m_buf(1 << 18)
    {
        // Level 1: rotated demo logs, not archives; it keeps `gen --gzip` fast.
        m_ok = deflateInit2(&m_z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~GzipSink() override
    {
        if (m_ok) deflateEnd(&m_z);
    }
    Status write(const char* data, std::size_t size) override { return run(data, size, Z_NO_FLUSH); }
    Status close() override
    {
        if (Status s = run(nullptr, 0, Z_FINISH); !s) return s;
        return m_file->close();
    }

private:
    Status run(const char* data, std::size_t size, int flush)
    {
        if (!m_ok) return Status::error("zlib: deflateInit2 failed");
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        m_z.avail_in = static_cast<uInt>(size); // callers pass ≤ a few MiB
        for (;;) {
            m_z.next_out = m_buf.data();
            m_z.avail_out = static_cast<uInt>(m_buf.size());
            const int rc = deflate(&m_z, flush);
            if (rc == Z_STREAM_ERROR) return Status::error("zlib: deflate failed");
            const std::size_t have = m_buf.size() - m_z.avail_out;
            if (Status s = m_file->write(reinterpret_cast<const char*>(m_buf.data()), have); !s) return s;
            if (flush == Z_FINISH ? rc == Z_STREAM_END : (m_z.avail_in == 0 && m_z.avail_out != 0)) return {};
        }
    }

    std::unique_ptr<FileSink> m_file;
    std::vector<Bytef> m_buf;
    z_stream m_z {};
    bool m_ok = false;
};

} // namespace

FileSink::~FileSink()
{
    if (m_file && m_file != stdout) std::fclose(m_file);
}

Status FileSink::open(const std::string& path)
{
    m_path = path;
    if (path == "-") {
        m_file = stdout;
        return {};
    }
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file) return Status::error("cannot write " + path + ": " + std::strerror(errno));
    return {};
}

Status FileSink::write(const char* data, std::size_t size)
{
    if (size && std::fwrite(data, 1, size, m_file) != size)
        return Status::error("cannot write " + m_path + ": " + std::strerror(errno));
    return {};
}

Status FileSink::close()
{
    if (!m_file) return {};
    FILE* f = m_file;
    m_file = nullptr;
    const bool ok = f == stdout ? std::fflush(f) == 0 : std::fclose(f) == 0;
    if (!ok) return Status::error("cannot write " + m_path + ": " + std::strerror(errno));
    return {};
}

std::unique_ptr<Sink> makeGzipSink(std::unique_ptr<FileSink> file)
{
    return std::make_unique<GzipSink>(std::move(file));
}

} // namespace adclick::core::clickgen
