#pragma once
// Fixed-width little-endian numbers and length-prefixed strings: the binary messages cluster
// workers publish (units, core/ingest/cluster_unit.h; checkpoints, core/cluster/checkpoint.h).
// The reader never reads past its input: a short or oversized field makes it not ok().

#include <cstdint>
#include <string>
#include <string_view>

namespace adclick::core {

class ByteWriter {
public:
    void u64(uint64_t v)
    {
        char b[8];
        for (int i = 0; i < 8; ++i)
            b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
        out.append(b, 8);
    }
    void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
    void str(std::string_view s)
    {
        u64(s.size());
        out.append(s);
    }
    std::string out;
};

class ByteReader {
public:
    explicit ByteReader(std::string_view in)
        : m_in(in)
    { }
    bool u64(uint64_t& v)
    {
        if (m_in.size() < 8) return m_ok = false;
        v = 0;
        for (int i = 0; i < 8; ++i)
            v |= uint64_t(static_cast<unsigned char>(m_in[i])) << (8 * i);
        m_in.remove_prefix(8);
        return true;
    }
    int64_t i64()
    {
        uint64_t v = 0;
        u64(v);
        return static_cast<int64_t>(v);
    }
    std::string str()
    {
        uint64_t n = 0;
        if (!u64(n) || n > m_in.size()) {
            m_ok = false;
            return {};
        }
        std::string s(m_in.substr(0, n));
        m_in.remove_prefix(n);
        return s;
    }
    //! A count of items each at least `minBytes` long: bounded by what is left.
    uint64_t count(std::size_t minBytes)
    {
        uint64_t n = 0;
        if (!u64(n) || n > m_in.size() / minBytes) {
            m_ok = false;
            return 0;
        }
        return n;
    }
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_in.empty(); }
    std::size_t remaining() const { return m_in.size(); }

private:
    std::string_view m_in;
    bool m_ok = true;
};

} // namespace adclick::core
