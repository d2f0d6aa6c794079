#pragma once

#include "core/base/status.h"
#include "core/input/line_parser.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

struct ProduceOptions {
    std::string brokers;
    std::string topic;
    double ratePerSecond = 0; //!< 0: as fast as the brokers take them
    //! How the lines handed to produceLine are read: format, --map, --delimiter (they are sent as
    //! canonical JSON, so consumers need none) and time format (the messages carry epoch ms).
    ParserOptions parser;
    std::vector<std::pair<std::string, std::string>> properties; //!< passed to librdkafka as they are
    int connectTimeoutMs = 10'000;
};

struct ProduceReport {
    int64_t messages = 0; //!< handed to Kafka
    int64_t delivered = 0; //!< acknowledged by the brokers
    int64_t failed = 0;
    int64_t skipped = 0; //!< blank lines and CSV headers (not clicks)
    std::string firstError;
};

//! Publishes click log lines to a Kafka topic, one click per message, keyed by ad_id (the
//! design's map step partitions by ad). Parsed clicks are sent as canonical JSON lines; lines
//! that do not parse are sent as they are, unkeyed, so the consumer counts them as rejects.
class KafkaProducer {
public:
    ~KafkaProducer();
    KafkaProducer(const KafkaProducer&) = delete;
    KafkaProducer& operator=(const KafkaProducer&) = delete;

    //! Connects (checking that the brokers answer and the topic exists) and is ready to send.
    static Result<std::unique_ptr<KafkaProducer>> open(const ProduceOptions& options);

    Status produceLine(std::string_view line);
    //! One record of a RecordReader: a CSV record that spans lines (RFC 4180) is one message,
    //! with one verdict, never one per physical line.
    Status produceRecord(std::string_view record, bool multiLine);
    //! The parser that judged every line sent so far (a RecordReader needs it to find records).
    const LineParser& parser() const;

    //! Serves the delivery reports that have arrived (waiting up to `timeoutMs`) and returns the
    //! figures so far. Same thread as produceLine: the reports are counted in its calls.
    ProduceReport poll(int timeoutMs = 0);
    //! Waits until every message is acknowledged or failed.
    ProduceReport finish(int timeoutMs = 60'000);

private:
    KafkaProducer() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

//! `{"ad_id":…,"click_timestamp":ms,"user_id":…,"ip":…,"country":…[,"click_id":…]}`
std::string canonicalJson(const struct ClickEvent& event);

} // namespace adclick::core
