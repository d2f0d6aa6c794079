#include "core/serve/api_metrics.h"

#include "core/input/line_parser.h"

#include <cstdio>

namespace adclick::core {

namespace {

//! A label value with `\`, `"` and line breaks escaped, as the text format wants.
std::string labelValue(std::string_view v)
{
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

class Writer {
public:
    //! The HELP and TYPE lines of a family (once, before its samples).
    void family(const char* name, const char* type, const char* help)
    {
        m_out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    }
    void sample(const char* name, const std::string& labels, const std::string& value)
    {
        m_out += name;
        if (!labels.empty()) m_out += "{" + labels + "}";
        m_out += " " + value + "\n";
    }
    void counter(const char* name, const char* help, int64_t v)
    {
        family(name, "counter", help);
        sample(name, {}, std::to_string(v));
    }
    std::string take() { return std::move(m_out); }

private:
    std::string m_out;
};

void writeCounters(Writer& w, const Counters& c)
{
    w.counter("adclick_lines_total", "Input lines read: accepted + duplicates + late + rejected.", c.lines);
    w.counter("adclick_accepted_total", "Clicks counted in their pane.", c.accepted);
    w.counter("adclick_duplicates_total", "Copies of a click already counted (dropped).", c.duplicates);
    w.counter("adclick_late_total", "Clicks for a pane that was already final.", c.late);
    w.counter(
        "adclick_late_applied_total", "Late clicks applied as corrections (--late update).", c.lateApplied);
    w.counter(
        "adclick_lost_bytes_total", "Input bytes that could not be read (truncated, gone).", c.lostBytes);
    w.family("adclick_rejected_total", "counter", "Lines rejected, by reason.");
    for (std::size_t i = 0; i < kRejectReasonCount; ++i)
        w.sample("adclick_rejected_total",
            "reason=\"" + labelValue(rejectReasonName(static_cast<RejectReason>(i))) + "\"",
            std::to_string(c.rejectedBy[i]));
}

void writeTimes(Writer& w, const StatsReport& r, int64_t nowMs)
{
    w.family(
        "adclick_watermark_timestamp_seconds", "gauge", "The watermark: panes ending before it are final.");
    if (r.watermarkMs != kNoTime)
        w.sample("adclick_watermark_timestamp_seconds", {}, number(r.watermarkMs / 1000.0));
    w.family("adclick_watermark_delay_seconds", "gauge", "Wall clock minus the watermark.");
    if (r.watermarkMs != kNoTime)
        w.sample("adclick_watermark_delay_seconds", {}, number((nowMs - r.watermarkMs) / 1000.0));
    w.family("adclick_max_event_timestamp_seconds", "gauge", "The newest event time read.");
    if (r.maxEventMs != kNoTime)
        w.sample("adclick_max_event_timestamp_seconds", {}, number(r.maxEventMs / 1000.0));
    w.family("adclick_ads", "gauge", "Distinct ads in the database.");
    w.sample("adclick_ads", {}, std::to_string(r.ads));
    w.family("adclick_raw_events", "gauge", "Raw events kept (every verdict).");
    w.sample("adclick_raw_events", {}, std::to_string(r.raw.events));
}

//! An unknown figure (negative) is NaN: a monitor must never read it as 0 (caught up).
std::string knownOrNaN(int64_t v)
{
    return v < 0 ? std::string("NaN") : std::to_string(v);
}

void writeKafka(Writer& w, const std::vector<KafkaHealth>& sources, int64_t nowMs)
{
    if (sources.empty()) return;
    const auto src = [](const KafkaHealth& h) {
        return "source=\"" + labelValue(h.source) + "\",topic=\"" + labelValue(h.topic) + "\"";
    };
    w.family("adclick_kafka_lag_messages", "gauge",
        "Messages not yet read per partition, as of the ingest's last commit; NaN when unknown.");
    for (const KafkaHealth& h : sources)
        for (const PartitionHealth& p : h.partitions)
            w.sample("adclick_kafka_lag_messages",
                src(h) + ",partition=\"" + std::to_string(p.partition) + "\"", knownOrNaN(p.lagMessages));
    w.family("adclick_kafka_lag_seconds", "gauge",
        "Event-time lag per partition: the newest event of any partition minus this one's; NaN when "
        "unknown.");
    for (const KafkaHealth& h : sources)
        for (const PartitionHealth& p : h.partitions)
            w.sample("adclick_kafka_lag_seconds",
                src(h) + ",partition=\"" + std::to_string(p.partition) + "\"",
                p.lagMs < 0 ? std::string("NaN") : number(p.lagMs / 1000.0));
    w.family("adclick_kafka_position", "gauge", "Next offset to read per partition.");
    for (const KafkaHealth& h : sources)
        for (const PartitionHealth& p : h.partitions)
            w.sample("adclick_kafka_position", src(h) + ",partition=\"" + std::to_string(p.partition) + "\"",
                std::to_string(p.position));
    w.family("adclick_kafka_broker_up", "gauge", "1 while a broker answers, 0 when all are down.");
    for (const KafkaHealth& h : sources)
        w.sample("adclick_kafka_broker_up", src(h), h.brokerState == "connected" ? "1" : "0");
    w.family("adclick_kafka_data_gap", "gauge", "1 when retention removed offsets that were never read.");
    for (const KafkaHealth& h : sources)
        w.sample("adclick_kafka_data_gap", src(h), h.gap.empty() ? "0" : "1");
    w.family(
        "adclick_kafka_health_age_seconds", "gauge", "How old these Kafka figures are (the last commit).");
    for (const KafkaHealth& h : sources)
        w.sample("adclick_kafka_health_age_seconds", src(h), number((nowMs - h.updatedMs) / 1000.0));
}

} // namespace

std::string prometheusMetrics(const StatsReport& r, int64_t nowMs)
{
    Writer w;
    writeCounters(w, r.counters);
    writeTimes(w, r, nowMs);
    writeKafka(w, r.kafka, nowMs);
    return w.take();
}

std::string serveMetrics(const ServeCounters& c)
{
    Writer w;
    w.counter("adclick_serve_timeouts_total",
        "Queries stopped at the server's --request-timeout and answered 503.", c.timeouts);
    return w.take();
}

} // namespace adclick::core
