#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adclick::core {

constexpr std::size_t kMaxLineBytes = 64 * 1024;

//! One line cut from a byte stream.
struct Line {
    std::string_view
        text; //!< without '\n' (and without a trailing '\r'); for a too-long line, its first bytes
    uint64_t offset = 0; //!< stream offset of the line's first byte
    uint64_t endOffset = 0; //!< stream offset just past its '\n' (where a resume starts)
    bool tooLong = false; //!< longer than the limit: its bytes past the limit were dropped
    //! A CSV record of several physical lines joined by '\n' (RecordReader): parse it with
    //! LineParser::parseRecord.
    bool multiLine = false;
};

//! Cuts a stream fed in arbitrary chunks into lines, holding a partial line until its '\n'
//! arrives. Memory is bounded by the line limit: a longer line is reported once, as tooLong,
//! when its end is found, and its excess bytes are never buffered.
class LineSplitter {
public:
    explicit LineSplitter(std::size_t maxLineBytes = kMaxLineBytes);

    //! Forget everything and continue as if the stream started at `offset`.
    void reset(uint64_t offset = 0);

    //! Hand over the next chunk. It must stay alive until next() returned false.
    void feed(std::string_view chunk);

    //! The next complete line of what was fed, or false when more input is needed.
    bool next(Line& line);

    //! At the end of an archive: the held partial line (no '\n'), if there is one. Returns false
    //! when nothing is held. Afterwards the splitter is empty.
    bool finish(Line& line);

    //! Bytes held as an incomplete line.
    std::size_t pendingBytes() const;

    //! Stream offset just past the last line returned (the resume position).
    uint64_t consumedOffset() const { return m_consumed; }

private:
    void holdRest(); //!< moves the unscanned rest of the chunk into m_carry (bounded)
    static void setText(Line& line, std::string_view text, bool tooLong);

    std::size_t m_max;
    uint64_t m_consumed = 0; //!< end of the last returned line
    uint64_t m_chunkOffset = 0; //!< stream offset of m_chunk[0]
    std::string_view m_chunk;
    std::size_t m_pos = 0; //!< scan position in m_chunk
    //! Start of a line that began in an earlier chunk: all of it (≤ m_max + 1 bytes, the +1
    //! for a CRLF's '\r'), or only its first 256 bytes once it is known to be too long.
    std::string m_carry;
    bool m_holding = false; //!< a partial line is held (m_carry may be short of it when too long)
    bool m_carryTooLong = false;
    uint64_t m_carryOffset = 0; //!< stream offset of the held line's first byte
    std::string m_lineBuf; //!< a carried line joined with its end, returned by next()
    std::string m_own; //!< the unread rest of a chunk when feed() came before next() was drained
};

} // namespace adclick::core
