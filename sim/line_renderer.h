#pragma once

// Generated events as book, CSV or JSON lines (internal to adclick_sim), in the many spellings
// the parser must accept, or broken on purpose for a known reject reason.

#include "sim/click_generator.h"
#include "sim/gen_event.h"
#include "sim/random_tables.h"
#include "sim/text_append.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace adclick::core::clickgen {

//! How a malformed line is broken.
enum class Defect : uint8_t {
    None,
    MissingField,
    BadTimestamp,
    BadIp,
    EmptyAdId,
    BadCountry,
    BinaryBytes,
    InvalidUtf8,
    BadJson,
    TooLong
};

//! The reject reason the parser must give a line with defect `d`.
RejectReason reasonOf(Defect d);

class LineRenderer {
public:
    //! Draws the CSV layout (fixed per seed: shuffled columns, one unknown column, name variants)
    //! from `rng`. Click ids are mix64(clickSalt + Event::clickSeq) in hex.
    LineRenderer(
        const GenOptions& o, const std::vector<std::string>& countries, uint64_t clickSalt, Rng& rng);

    //! The CSV header row (without the newline).
    void appendCsvHeader(std::string& o) const;
    //! The line of `e` in the format of the options (without the newline); `dv` picks among the
    //! variants of the defect.
    void render(const Event& e, Defect d, uint32_t dv, std::string& o);
    //! The bare text of a field (no quotes; for JSON, escapes only in the user id).
    void appendText(Field f, const Event& e, Defect d, uint32_t dv, std::string& o, bool json = false);

private:
    void drawCsvLayout(Rng& rng);
    void appendIp(const Ip& ip, std::string& o) const;
    void renderBook(const Event& e, Defect d, uint32_t dv, std::string& o);
    void renderCsv(const Event& e, Defect d, uint32_t dv, std::string& o);
    void renderJson(const Event& e, Defect d, uint32_t dv, std::string& o);

    LineFormat m_format;
    const std::vector<std::string>& m_countries;
    uint64_t m_clickSalt;
    int m_adDigits = 1;
    TimeText m_time;

    std::array<Field, kFieldCount> m_csvCols {};
    std::size_t m_csvMissingCount = 0;
    std::string m_csvTimeName, m_csvExtraName;
    bool m_csvUpperHeader = false;
};

} // namespace adclick::core::clickgen
