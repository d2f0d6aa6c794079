#include "core/input/record_reader.h"

namespace adclick::core {

RecordReader::RecordReader(std::size_t maxLineBytes)
    : m_max(maxLineBytes)
    , m_splitter(maxLineBytes)
{ }

void RecordReader::reset(uint64_t offset)
{
    m_splitter.reset(offset);
    m_again.clear();
    m_held.clear();
    m_joined.clear();
    m_consumed = offset;
    m_finalTaken = false;
}

void RecordReader::feed(std::string_view chunk)
{
    m_splitter.feed(chunk);
    m_finalTaken = false;
}

bool RecordReader::take(Line& line, bool atEnd)
{
    if (!m_again.empty()) {
        m_taken = std::move(m_again.front());
        m_again.pop_front();
        line.text = m_taken.text;
        line.offset = m_taken.offset;
        line.endOffset = m_taken.endOffset;
        line.tooLong = m_taken.tooLong;
        return true;
    }
    if (m_splitter.next(line)) return true;
    if (!atEnd || m_finalTaken) return false;
    m_finalTaken = true;
    return m_splitter.finish(line);
}

void RecordReader::hold(const Line& line)
{
    if (!m_held.empty()) m_joined += '\n';
    m_joined.append(line.text);
    m_held.push_back({ std::string(line.text), line.offset, line.endOffset, line.tooLong });
}

bool RecordReader::emit(Line& record, const Line& line)
{
    record.text = line.text;
    record.offset = line.offset;
    record.endOffset = line.endOffset;
    record.tooLong = line.tooLong;
    record.multiLine = false;
    m_consumed = line.endOffset;
    return true;
}

bool RecordReader::giveUp(Line& record)
{
    m_current.swap(m_held.front().text);
    Line first;
    first.text = m_current;
    first.offset = m_held.front().offset;
    first.endOffset = m_held.front().endOffset;
    first.tooLong = m_held.front().tooLong;
    for (std::size_t i = m_held.size(); i-- > 1;)
        m_again.push_front(std::move(m_held[i]));
    m_held.clear();
    m_joined.clear();
    return emit(record, first);
}

bool RecordReader::step(Line& record, const LineParser& parser, bool atEnd)
{
    Line line;
    for (;;) {
        if (!take(line, atEnd)) {
            // The end of an archive inside an open quote: no record after all.
            if (atEnd && !m_held.empty()) return giveUp(record);
            return false;
        }
        if (m_held.empty()) {
            if (line.tooLong || !parser.opensRecord(line.text)) return emit(record, line);
            hold(line);
            continue;
        }
        hold(line);
        if (line.tooLong || m_joined.size() > m_max) return giveUp(record);
        switch (LineParser::csvRecordEnd(m_joined, parser.options().delimiter)) {
        case LineParser::RecordEnd::Complete:
            m_current.swap(m_joined);
            record.text = m_current;
            record.offset = m_held.front().offset;
            record.endOffset = m_held.back().endOffset;
            record.tooLong = false;
            record.multiLine = true;
            m_consumed = record.endOffset;
            m_held.clear();
            m_joined.clear();
            return true;
        case LineParser::RecordEnd::Broken:
            return giveUp(record);
        case LineParser::RecordEnd::Open:
            if (m_held.size() >= kMaxRecordLines) return giveUp(record);
            break;
        }
    }
}

} // namespace adclick::core
