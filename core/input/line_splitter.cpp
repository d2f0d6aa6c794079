#include "core/input/line_splitter.h"

#include <algorithm>
#include <cstring>

namespace adclick::core {

namespace {
constexpr std::size_t kTooLongPrefix = 256; //!< bytes of a too-long line kept for the report
} // namespace

LineSplitter::LineSplitter(std::size_t maxLineBytes)
    : m_max(std::min<std::size_t>(maxLineBytes, std::size_t(1) << 40))
{ }

void LineSplitter::reset(uint64_t offset)
{
    m_consumed = offset;
    m_chunkOffset = offset;
    m_chunk = {};
    m_pos = 0;
    m_carry.clear();
    m_carryTooLong = false;
    m_holding = false;
    m_carryOffset = offset;
    m_lineBuf.clear();
    m_own.clear();
}

void LineSplitter::feed(std::string_view chunk)
{
    if (m_pos < m_chunk.size()) {
        // Fed again before next() returned false: keep the unread rest in front of the new
        // chunk rather than losing it (costs a copy; the normal loop never gets here).
        std::string joined;
        joined.reserve(m_chunk.size() - m_pos + chunk.size());
        joined.append(m_chunk.substr(m_pos)).append(chunk);
        m_own.swap(joined);
        m_chunkOffset += m_pos;
        m_chunk = m_own;
        m_pos = 0;
        return;
    }
    m_chunkOffset += m_chunk.size();
    m_chunk = chunk;
    m_pos = 0;
}

void LineSplitter::holdRest()
{
    const std::size_t n = m_chunk.size() - m_pos;
    if (n == 0) return;
    const char* b = m_chunk.data() + m_pos;
    if (!m_holding) {
        m_holding = true;
        m_carryOffset = m_chunkOffset + m_pos;
        m_carry.clear();
        m_carryTooLong = false;
    }
    // One byte over the limit may still be the '\r' of a CRLF, so hold m_max + 1.
    if (!m_carryTooLong && n > m_max + 1 - m_carry.size()) {
        m_carryTooLong = true;
        if (m_carry.size() > kTooLongPrefix) m_carry.resize(kTooLongPrefix);
    }
    if (!m_carryTooLong)
        m_carry.append(b, n);
    else if (m_carry.size() < kTooLongPrefix) // only the report's prefix is kept
        m_carry.append(b, std::min(n, kTooLongPrefix - m_carry.size()));
    m_pos = m_chunk.size();
}

void LineSplitter::setText(Line& line, std::string_view text, bool tooLong)
{
    line.tooLong = tooLong;
    if (tooLong) {
        line.text = text.substr(0, kTooLongPrefix);
    } else {
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        line.text = text;
    }
}

bool LineSplitter::next(Line& line)
{
    if (m_pos >= m_chunk.size()) return false;
    const char* b = m_chunk.data() + m_pos;
    const std::size_t avail = m_chunk.size() - m_pos;
    const auto* nl = static_cast<const char*>(std::memchr(b, '\n', avail));
    if (nl == nullptr) {
        holdRest();
        return false;
    }
    const auto len = static_cast<std::size_t>(nl - b); // bytes of this chunk before the '\n'
    const uint64_t nlOffset = m_chunkOffset + m_pos + len;
    line.endOffset = nlOffset + 1;
    if (!m_holding) {
        line.offset = m_chunkOffset + m_pos;
        const std::size_t content = len - (len > 0 && b[len - 1] == '\r' ? 1 : 0);
        setText(line, std::string_view(b, len), content > m_max);
    } else {
        line.offset = m_carryOffset;
        const uint64_t total = nlOffset - m_carryOffset;
        bool tooLong = m_carryTooLong;
        if (!tooLong) {
            const char last = len > 0 ? b[len - 1] : (m_carry.empty() ? '\0' : m_carry.back());
            tooLong = total - (last == '\r' ? 1 : 0) > m_max;
        }
        if (tooLong && m_carry.size() >= kTooLongPrefix)
            m_carry.resize(kTooLongPrefix);
        else
            m_carry.append(b, tooLong ? std::min(len, kTooLongPrefix - m_carry.size()) : len);
        m_lineBuf.swap(m_carry); // both stay bounded; swapping saves a copy
        m_carry.clear();
        m_holding = false;
        m_carryTooLong = false;
        setText(line, m_lineBuf, tooLong);
    }
    m_pos += len + 1;
    m_consumed = line.endOffset;
    return true;
}

bool LineSplitter::finish(Line& line)
{
    if (m_pos < m_chunk.size() && next(line))
        return true; // next() was not drained: a complete line comes first
    if (!m_holding) return false;
    const uint64_t end = m_chunkOffset + m_chunk.size();
    line.offset = m_carryOffset;
    line.endOffset = end;
    bool tooLong = m_carryTooLong;
    if (!tooLong) {
        const char last = m_carry.empty() ? '\0' : m_carry.back();
        tooLong = end - m_carryOffset - (last == '\r' ? 1 : 0) > m_max;
    }
    m_lineBuf.swap(m_carry);
    m_carry.clear();
    m_holding = false;
    m_carryTooLong = false;
    setText(line, m_lineBuf, tooLong);
    m_consumed = end;
    return true;
}

std::size_t LineSplitter::pendingBytes() const
{
    return static_cast<std::size_t>(m_chunkOffset + m_chunk.size() - m_consumed);
}

} // namespace adclick::core
