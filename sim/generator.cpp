#include "sim/generator.h"

#include "core/base/click_event.h"
#include "core/base/timestamp.h"
#include "sim/text_append.h"

#include <algorithm>
#include <cassert>
#include <map>

namespace adclick::core::clickgen {

namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

//! The generator options and engine settings the truth assumes, as text (ClickTruth::settings).
std::map<std::string, std::string> truthSettings(
    const GenOptions& o, const std::vector<std::string>& countries)
{
    std::string list;
    for (const auto& c : countries)
        list += (list.empty() ? "" : ",") + c;
    return {
        { "generator", "adclick-gen-1" },
        { "format", std::string(lineFormatName(o.format)) },
        { "seed", std::to_string(o.seed) },
        { "events", std::to_string(o.events) },
        { "ads", std::to_string(o.ads) },
        { "users", std::to_string(o.users) },
        { "countries", list },
        { "zipf", doubleText(o.zipf) },
        { "start", formatIsoUtc(o.startMs) },
        { "start_ms", std::to_string(o.startMs) },
        { "rate", doubleText(o.rate) },
        { "disorder_ms", std::to_string(o.disorderMs) },
        { "dup_rate", doubleText(o.dupRate) },
        { "late_rate", doubleText(o.lateRate) },
        { "malformed_rate", doubleText(o.malformedRate) },
        { "click_ids", doubleText(o.clickIdFraction) },
        { "blank_rate", doubleText(o.blankRate) },
        { "lateness", msAsSeconds(o.latenessMs) },
        { "dedup_horizon", msAsSeconds(o.dedupHorizonMs) },
        { "late", o.lateUpdate ? "update" : "drop" },
    };
}

} // namespace

Generator::Generator(const GenOptions& o, std::vector<GenLine>* lines)
    : m_o(o)
    , m_countries(o.countries.empty() ? defaultGenCountries() : o.countries)
    , m_rng(mix64(o.seed ^ 0x6164636C69636B21ull))
    , m_draw(o, m_countries.size(), m_rng)
    , m_render(o, m_countries, m_draw.clickSalt(), m_rng)
    , m_lines(lines)
{
    if (o.truth) m_model.emplace(o.latenessMs, o.dedupHorizonMs, o.lateUpdate);
}

Status Generator::run(Sink& sink, GenReport& report)
{
    m_sink = &sink;
    m_buf.reserve(kFlushBytes + (1 << 17));
    if (m_o.format == LineFormat::Csv) emitCsvHeader();
    for (int64_t i = 0; i < m_o.events && m_error.isOk(); ++i) {
        emitCounted(i);
        if (m_o.blankRate > 0 && m_rng.chance(m_o.blankRate)) emitBlank();
        if (m_buf.size() >= kFlushBytes) {
            if (Status s = flush(); !s) return s;
        }
    }
    if (!m_error) return m_error;
    if (Status s = flush(); !s) return s;
    if (Status s = sink.close(); !s) return s;

    report.bytes = m_bytes;
    report.blankLines = m_blank;
    report.headerLines = m_header;
    if (Status s = fillTruth(report.truth); !s) return s;
    report.modelChecked = m_model.has_value();
    report.truth.settings = truthSettings(m_o, m_countries);
    if (m_o.boundary) report.truth.settings["boundary"] = "true"; // absent otherwise: files unchanged
    return {};
}

Status Generator::flush()
{
    m_bytes += m_buf.size();
    Status s = m_sink->write(m_buf.data(), m_buf.size());
    m_buf.clear();
    return s;
}

void Generator::emitCounted(int64_t i)
{
    // Boundary probes come in groups of consecutive lines (their classes assume nothing else
    // moves the watermark in between); none before the first plain event.
    if (m_o.boundary && i > 0) {
        if (m_probes.empty()) planBoundaryProbes();
        if (!m_probes.empty()) {
            emitProbe();
            return;
        }
    }
    const double pMal = m_o.malformedRate, pDup = pMal + m_o.dupRate, pLate = pDup + m_o.lateRate;
    const double u = m_rng.uniform();
    bool done = false;
    if (i > 0) { // the first line is a plain event, so format detection sees one
        if (u < pMal) {
            emitMalformed();
            done = true;
        } else if (u < pDup) {
            done = emitDuplicate();
        } else if (u < pLate) {
            done = emitLate();
        }
    }
    if (!done) emitOnTime();
}

Status Generator::fillTruth(ClickTruth& t)
{
    if (m_model) {
        m_model->fill(t);
        // The per-line check makes these equal; compare anyway.
        if (t.counter("accepted") != m_accepted || t.counter("duplicates") != m_duplicates
            || t.counter("late") != m_late || t.counter("late_applied") != m_lateApplied
            || t.counter("rejected") != m_rejected)
            return Status::error(
                "generator bug: the semantics model's counters differ from the intended ones");
        return {};
    }
    t.counters = { { "lines", m_accepted + m_duplicates + m_late + m_rejected }, { "accepted", m_accepted },
        { "duplicates", m_duplicates }, { "late", m_late }, { "late_applied", m_lateApplied },
        { "rejected", m_rejected } };
    if (m_maxMs != kNone) t.counters["max_event_ms"] = m_maxMs;
    for (std::size_t r = 0; r < kRejectReasonCount; ++r)
        t.rejectedByReason[std::string(rejectReasonName(static_cast<RejectReason>(r)))] = m_rejectedBy[r];
    return {};
}

void Generator::emitOnTime()
{
    Event e = m_draw.make(m_draw.onTimeMs(m_onTime++));
    m_draw.makeUniqueOnTime(e, m_maxMs);
    const int64_t index = emitEvent(e, GenClass::Accepted, -1);
    m_ring[m_ringNext] = { e, index };
    m_ringNext = (m_ringNext + 1) % kRingSize;
    m_ringCount = std::min(m_ringCount + 1, kRingSize);
    m_maxMs = std::max(m_maxMs, e.timeMs);
}

bool Generator::emitDuplicate()
{
    if (m_ringCount == 0) return false;
    const auto& [original, index] = m_ring[m_rng.below(m_ringCount)];
    // Certainly within the dedup horizon: time ≥ W − H (its key is kept, so: duplicate).
    if (original.timeMs < watermark() - m_o.dedupHorizonMs + kMarginMs) return false;
    Event d = original;
    if (m_o.format != LineFormat::Jsonl && m_rng.chance(0.5))
        d.spacing = static_cast<uint32_t>(m_rng.next() | 1); // same fields, other whitespace
    emitEvent(d, GenClass::Duplicate, index);
    return true;
}

bool Generator::emitLate()
{
    const int64_t w = watermark();
    if (w == kNone) return false;
    const int64_t h = m_o.dedupHorizonMs;
    // Within the horizon (pane certainly final): [W − H + m, W − 60 s − m].
    const int64_t inLo = w - h + kMarginMs, inHi = w - kMinuteMs - kMarginMs;
    // Beyond it: [W − H − span, W − H − m].
    const int64_t outLo = std::max<int64_t>(0, w - h - kBeyondSpanMs), outHi = w - h - kMarginMs;
    const bool inOk = inLo >= 0 && inLo <= inHi, outOk = outLo <= outHi;
    if (!inOk && !outOk) return false;
    const bool beyond = !inOk || (outOk && m_rng.chance(0.5));
    const int64_t lo = beyond ? outLo : inLo, hi = beyond ? outHi : inHi;
    Event e = m_draw.make(lo + static_cast<int64_t>(m_rng.below(uint64_t(hi - lo) + 1)));
    m_draw.makeUniqueLate(e, w); // a fresh identity
    emitEvent(e, beyond ? GenClass::LateBeyondHorizon : GenClass::Late, -1);
    return true;
}

void Generator::emitMalformed()
{
    static constexpr Defect kCommon[] = { Defect::MissingField, Defect::BadTimestamp, Defect::BadIp,
        Defect::EmptyAdId, Defect::BadCountry, Defect::BinaryBytes, Defect::InvalidUtf8, Defect::BadJson };
    Defect d;
    if (m_rng.below(200) == 0)
        d = Defect::TooLong;
    else
        d = kCommon[m_rng.below(std::size(kCommon) - (m_o.format == LineFormat::Jsonl ? 0 : 1))];
    const Event e = m_draw.make(m_draw.onTimeMs(m_onTime));
    const auto defectVariant = static_cast<uint32_t>(m_rng.next());
    const std::size_t start = m_buf.size();
    m_render.render(e, d, defectVariant, m_buf);
    assert(m_buf.size() - start > 0);
    (void)start;
    m_buf.push_back('\n');
    const RejectReason reason = reasonOf(d);
    ++m_rejected;
    ++m_rejectedBy[static_cast<std::size_t>(reason)];
    if (m_model) m_model->onReject(reason);
    if (m_lines) {
        GenLine gl;
        gl.cls = GenClass::Rejected;
        gl.reason = reason;
        m_lines->push_back(std::move(gl));
    }
}

void Generator::emitBlank()
{
    static constexpr std::string_view kBlanks[] = { "", "   ", " \t ", "\r" };
    m_buf.append(kBlanks[m_rng.below(std::size(kBlanks))]);
    m_buf.push_back('\n');
    ++m_blank;
    if (m_lines) m_lines->push_back(GenLine {});
}

void Generator::emitCsvHeader()
{
    m_render.appendCsvHeader(m_buf);
    m_buf.push_back('\n');
    ++m_header;
    if (m_lines) {
        GenLine gl;
        gl.cls = GenClass::Header;
        m_lines->push_back(std::move(gl));
    }
}

int64_t Generator::emitEvent(const Event& e, GenClass cls, int64_t original)
{
    m_render.render(e, Defect::None, 0, m_buf);
    m_buf.push_back('\n');
    countEvent(cls);
    if (!m_model && !m_lines) return -1;
    GenLine gl = lineOf(e, cls, original);
    if (m_model) checkWithModel(gl);
    if (!m_lines) return -1;
    m_lines->push_back(std::move(gl));
    return static_cast<int64_t>(m_lines->size()) - 1;
}

void Generator::countEvent(GenClass cls)
{
    switch (cls) {
    case GenClass::Accepted:
        ++m_accepted;
        break;
    case GenClass::Duplicate:
        ++m_duplicates;
        break;
    case GenClass::Late:
        ++m_late;
        m_lateApplied += m_o.lateUpdate;
        break;
    case GenClass::LateBeyondHorizon:
        ++m_late;
        break;
    default:
        assert(false);
    }
}

GenLine Generator::lineOf(const Event& e, GenClass cls, int64_t original)
{
    GenLine gl;
    gl.cls = cls;
    gl.timeMs = e.timeMs;
    m_render.appendText(kAd, e, Defect::None, 0, gl.adId);
    m_render.appendText(kUser, e, Defect::None, 0, gl.userId);
    m_render.appendText(kIp, e, Defect::None, 0, gl.ip);
    gl.country = m_countries[e.country];
    if (e.clickSeq) m_render.appendText(kClick, e, Defect::None, 0, gl.clickId);
    gl.original = original;
    return gl;
}

//! The model must give every event the class it was generated to have.
void Generator::checkWithModel(const GenLine& line)
{
    const GenClass verdict = m_model->onEvent(line);
    if (verdict != line.cls && m_error) {
        m_error = Status::error("generator bug: event line "
            + std::to_string(m_accepted + m_duplicates + m_late + m_rejected) + " was generated as "
            + std::string(genClassName(line.cls)) + " but docs/semantics.md makes it "
            + std::string(genClassName(verdict)));
        assert(!"intended class differs from the semantics model");
    }
}

} // namespace adclick::core::clickgen
