// The yardstick of the Kafka row of scripts/bench.sh: a bare librdkafka consumer loop that reads
// every partition of a topic from its beginning to its current end and only counts the messages
// (no parsing, no store). `adclick ingest --until-end kafka://…` is timed against it on the same
// broker and topic in the same run.
//   bench_kafka_count BOOTSTRAP TOPIC   → {"messages":N,"bytes":B,"partitions":P,"seconds":S}
// It uses the one throughput setting the ingest changes (queued.min.messages, see
// core/ingest/kafka_source.cpp), so neither side stalls on librdkafka 2.0's default; the time runs
// from creating the client to the end of the last partition, as the ingest's does.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what)
{
    std::fprintf(stderr, "bench_kafka_count: %s\n", what.c_str());
    std::exit(1);
}

rd_kafka_t* makeConsumer(const char* bootstrap)
{
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, const char*> props[] = { { "bootstrap.servers", bootstrap },
        { "group.id", "adclick-bench-count" }, { "enable.auto.commit", "false" },
        { "enable.partition.eof", "true" }, { "auto.offset.reset", "earliest" },
        { "allow.auto.create.topics", "false" }, { "queued.min.messages", "1000000" } };
    for (const auto& [k, v] : props)
        if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) fail(err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) fail(err);
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

//! Every partition of the topic, assigned from its beginning (no group rebalance).
int assignAll(rd_kafka_t* rk, const char* topic)
{
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic, nullptr);
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, 10'000);
    rd_kafka_topic_destroy(t);
    if (e) fail(std::string("metadata: ") + rd_kafka_err2str(e));
    if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0)
        fail(std::string("no such topic: ") + topic);
    const int n = md->topics[0].partition_cnt;
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(n);
    for (int p = 0; p < n; ++p)
        rd_kafka_topic_partition_list_add(list, topic, md->topics[0].partitions[p].id)->offset
            = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    if (rd_kafka_assign(rk, list)) fail("assign failed");
    rd_kafka_topic_partition_list_destroy(list);
    return n;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_kafka_count BOOTSTRAP TOPIC\n");
        return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    rd_kafka_t* rk = makeConsumer(argv[1]);
    const int partitions = assignAll(rk, argv[2]);
    long long messages = 0, bytes = 0;
    int ended = 0;
    std::vector<char> atEnd(static_cast<std::size_t>(partitions), 0);
    while (ended < partitions) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
        if (!m) continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // An end seen once is the end for this count (a partition is not read again after it).
            auto& seen = atEnd.at(static_cast<std::size_t>(m->partition));
            if (!seen) ++ended;
            seen = 1;
        } else if (m->err) {
            fail(rd_kafka_message_errstr(m));
        } else {
            ++messages;
            bytes += static_cast<long long>(m->len);
        }
        rd_kafka_message_destroy(m);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    std::printf("{\"messages\":%lld,\"bytes\":%lld,\"partitions\":%d,\"seconds\":%.6f}\n", messages, bytes,
        partitions, seconds);
    return 0;
}
