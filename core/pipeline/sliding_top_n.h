#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace adclick::core {

//! The live "top N ads over the last M minutes", kept incrementally: when the window moves, the
//! pane that enters is added to the per-ad sums and the pane that leaves is subtracted, and an
//! ordered index of (clicks, ad) is updated for the ads they touch — never a rescan per refresh.
//! The window is the M panes [end − M, end); panes at or after `end` are held until it reaches
//! them (they are still open). Ties go to the smaller ad_id (byte order), as in the queries.
class SlidingTopN {
public:
    explicit SlidingTopN(int windowMinutes);

    int windowMinutes() const { return m_window; }
    int64_t endMinute() const { return m_end; }

    //! `clicks` more for `adId` in pane `minute` (negative corrects). Panes before the window are
    //! ignored: they can no longer change the answer.
    void add(int64_t minute, const std::string& adId, int64_t clicks);

    //! Moves the window's end (exclusive, epoch minutes) forward; it never moves back.
    void advanceTo(int64_t endMinute);

    struct Entry {
        std::string adId;
        int64_t clicks = 0;
        bool operator==(const Entry&) const = default;
    };
    //! The first `n` ads by clicks in the window (ads with 0 clicks are left out).
    std::vector<Entry> top(std::size_t n) const;

private:
    void addToSums(const std::string& adId, int64_t clicks);

    int m_window;
    int64_t m_end = INT64_MIN;
    std::map<int64_t, std::unordered_map<std::string, int64_t>> m_panes; //!< window and open panes
    std::unordered_map<std::string, int64_t> m_sums;
    std::set<std::pair<int64_t, std::string>> m_order; //!< (−clicks, ad) for ads with clicks > 0
};

} // namespace adclick::core
