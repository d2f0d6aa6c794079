#include "core/ingest/kafka_source.h"

#include "core/ingest/kafka_common.h"

namespace adclick::core {

namespace {
std::vector<std::string_view> splitQuery(std::string_view query)
{
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
        const auto amp = query.find('&', at);
        out.push_back(query.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at));
        if (amp == std::string_view::npos) return out;
        at = amp + 1;
    }
}
} // namespace

Result<KafkaUri> parseKafkaUri(std::string_view text)
{
    using R = Result<KafkaUri>;
    if (!isKafkaUri(text)) return R::error("not a kafka:// address: '" + std::string(text) + "'");
    std::string_view rest = text.substr(8);
    KafkaUri uri;
    const auto q = rest.find('?');
    if (q != std::string_view::npos) {
        std::string_view query = rest.substr(q + 1);
        rest = rest.substr(0, q);
        for (std::string_view opt : splitQuery(query)) {
            if (opt.starts_with("group=") && opt.size() > 6)
                uri.group = std::string(opt.substr(6));
            else if (opt == "kind=aggregates") // the cluster's aggregate topic (ingest_aggregates.cpp)
                uri.aggregates = true;
            else
                return R::error("kafka address: the options are ?group=NAME and kind=aggregates, not '"
                    + std::string(opt) + "'");
        }
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size())
        return R::error(
            "kafka address needs kafka://host:port[,host:port]/topic, not '" + std::string(text) + "'");
    uri.brokers = std::string(rest.substr(0, slash));
    uri.topic = std::string(rest.substr(slash + 1));
    if (uri.topic.find('/') != std::string::npos)
        return R::error("kafka address: bad topic '" + uri.topic + "'");
    return uri;
}

struct KafkaConsumer::Impl {
    //! What librdkafka's error callback writes (its opaque): owned with the client, so it outlives
    //! a destroy in the background that may still serve a callback.
    struct ClientState {
        std::string brokers;
        int brokerCount = 0; //!< distinct brokers in the last metadata (0: not known yet)
        std::string brokerState = "connected"; //!< open() succeeds only after a metadata answer
        uint64_t downReports = 0; //!< ALL_BROKERS_DOWN reports so far
        int64_t clientErrors = 0;
        std::string lastClientError;
    };

    rd_kafka_t* rk = nullptr;
    rd_kafka_message_t* msg = nullptr;
    rd_kafka_queue_t* queue = nullptr; //!< the consumer's queue, for pollBatch
    std::vector<rd_kafka_message_t*> batch; //!< pollBatch's messages, until the next poll
    KafkaUri uri;
    int partitions = 0;
    std::shared_ptr<ClientState> state = std::make_shared<ClientState>();
    //! downReports when the current poll began: a message handed over by a poll that also served
    //! an ALL_BROKERS_DOWN report may have been queued before it, so it proves no connection.
    uint64_t downReportsAtPoll = 0;

    void releaseBatch()
    {
        for (rd_kafka_message_t* m : batch)
            rd_kafka_message_destroy(m);
        batch.clear();
    }
    KafkaEvent eventOf(const rd_kafka_message_t* msg);
    void markConnected()
    {
        if (state->downReports == downReportsAtPoll) state->brokerState = "connected";
    }

    //! librdkafka's error callback (served from poll, on the consumer's thread).
    static void onError(rd_kafka_t*, int err, const char* reason, void* opaque)
    {
        auto* self = static_cast<ClientState*>(opaque);
        ++self->clientErrors;
        self->lastClientError = reason ? reason : rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err));
        if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
            // Not librdkafka's "4/4 brokers are down" for 3 brokers (it counts connections).
            self->lastClientError = allBrokersDownText(self->brokers, self->brokerCount);
            self->brokerState = "down: " + self->lastClientError;
            ++self->downReports;
        }
    }
    ~Impl()
    {
        if (msg) rd_kafka_message_destroy(msg);
        releaseBatch();
        if (queue) rd_kafka_queue_destroy(queue);
        // Closed in the background, without the consumer close: a stop takes no time in any
        // state (see closeKafkaClientInBackground; the offsets that count are in the store).
        closeKafkaClientInBackground(rk, state);
    }
};

KafkaConsumer::~KafkaConsumer() = default;

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::open(const KafkaUri& uri,
    const std::vector<std::pair<std::string, std::string>>& properties, int connectTimeoutMs,
    const std::function<bool()>& cancelled)
{
    using R = Result<std::unique_ptr<KafkaConsumer>>;
    std::unique_ptr<KafkaConsumer> c(new KafkaConsumer());
    c->m_impl = std::make_unique<Impl>();
    c->m_impl->uri = uri;
    // Offsets live in the store: never committed to, or taken from, the group; an offset that
    // is gone is an error (a data gap), never a silent reset.
    auto made = makeKafkaConf(uri.brokers,
        { { "group.id", uri.group }, { "enable.auto.commit", "false" },
            { "enable.auto.offset.store", "false" }, { "enable.partition.eof", "true" },
            { "auto.offset.reset", "error" },
            // A topic that does not exist is an error, never an empty topic made on the fly.
            { "allow.auto.create.topics", "false" },
            // librdkafka 2.0 compares queued.min.messages with the one queue all assigned
            // partitions share, and a partition over it stops fetching until its broker thread
            // wakes up (~0.5 s): with the default (100k) the consumer stalled in bursts and read
            // at a third of its speed. Memory stays bounded by queued.max.messages.kbytes.
            { "queued.min.messages", "1000000" },
            // Client errors reach the user through our error callback (counted, rate-limited
            // warnings, health); librdkafka's own log would repeat each of them.
            { "log_level", "2" } },
        properties);
    if (!made) return R(made.status());
    rd_kafka_conf_t* conf = *made;
    c->m_impl->state->brokers = uri.brokers;
    rd_kafka_conf_set_opaque(conf, c->m_impl->state.get());
    rd_kafka_conf_set_error_cb(conf, &Impl::onError);
    char err[512];
    c->m_impl->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!c->m_impl->rk) {
        rd_kafka_conf_destroy(conf);
        return R::error(std::string("cannot create the Kafka consumer: ") + err);
    }
    rd_kafka_poll_set_consumer(c->m_impl->rk);
    auto partitions = topicPartitionCount(
        c->m_impl->rk, uri.brokers, uri.topic, connectTimeoutMs, &c->m_impl->state->brokerCount, cancelled);
    if (!partitions) return R(partitions.status());
    c->m_impl->partitions = *partitions;
    return R(std::move(c));
}

int KafkaConsumer::partitionCount() const
{
    return m_impl->partitions;
}

Status KafkaConsumer::assign(const std::map<int32_t, int64_t>& startOffsets)
{
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(m_impl->partitions);
    for (int32_t p = 0; p < m_impl->partitions; ++p) {
        const auto it = startOffsets.find(p);
        rd_kafka_topic_partition_list_add(list, m_impl->uri.topic.c_str(), p)->offset
            = it == startOffsets.end() ? RD_KAFKA_OFFSET_BEGINNING : it->second;
    }
    const rd_kafka_resp_err_t rc = rd_kafka_assign(m_impl->rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Status::error(std::string("cannot assign the partitions of '") + m_impl->uri.topic
            + "': " + rd_kafka_err2str(rc));
    return Status::ok();
}

KafkaEvent KafkaConsumer::Impl::eventOf(const rd_kafka_message_t* m)
{
    KafkaEvent ev;
    ev.partition = m->partition;
    ev.offset = m->offset;
    switch (m->err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
        markConnected();
        ev.kind = KafkaEvent::Message;
        ev.value = std::string_view(static_cast<const char*>(m->payload), m->len);
        break;
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        markConnected();
        ev.kind = KafkaEvent::PartitionEnd;
        break;
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
        ev.kind = KafkaEvent::Gap;
        ev.error = "data gap in " + uri.topic + "/" + std::to_string(m->partition)
            + ": the offset to continue from is no longer in the log (retention removed unread messages): "
            + rd_kafka_message_errstr(m);
        break;
    default:
        ev.kind = KafkaEvent::Transient;
        ev.error = rd_kafka_message_errstr(m);
        break;
    }
    return ev;
}

KafkaEvent KafkaConsumer::poll(int timeoutMs)
{
    if (m_impl->msg) {
        rd_kafka_message_destroy(m_impl->msg);
        m_impl->msg = nullptr;
    }
    m_impl->releaseBatch();
    m_impl->downReportsAtPoll = m_impl->state->downReports;
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(m_impl->rk, timeoutMs);
    if (!msg) return {};
    m_impl->msg = msg;
    return m_impl->eventOf(msg);
}

void KafkaConsumer::pollBatch(int timeoutMs, std::size_t max, std::vector<KafkaEvent>& out)
{
    out.clear();
    if (m_impl->msg) {
        rd_kafka_message_destroy(m_impl->msg);
        m_impl->msg = nullptr;
    }
    m_impl->releaseBatch();
    if (!m_impl->queue) m_impl->queue = rd_kafka_queue_get_consumer(m_impl->rk);
    m_impl->batch.resize(max);
    m_impl->downReportsAtPoll = m_impl->state->downReports;
    // Serves the callbacks like rd_kafka_consumer_poll, and hands over what the fetchers
    // queued in one call instead of one call (and one queue lock) per message.
    const ssize_t n = rd_kafka_consume_batch_queue(m_impl->queue, timeoutMs, m_impl->batch.data(), max);
    m_impl->batch.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    out.reserve(m_impl->batch.size());
    for (const rd_kafka_message_t* m : m_impl->batch)
        out.push_back(m_impl->eventOf(m));
}

int KafkaConsumer::refreshPartitionCount(int timeoutMs)
{
    int brokers = 0;
    auto n = topicPartitionCount(m_impl->rk, m_impl->uri.brokers, m_impl->uri.topic, timeoutMs, &brokers);
    if (n && brokers > 0) m_impl->state->brokerCount = brokers;
    if (n && *n > m_impl->partitions) m_impl->partitions = *n;
    return m_impl->partitions;
}

Result<std::pair<int64_t, int64_t>> KafkaConsumer::offsetRange(int32_t partition, int timeoutMs)
{
    int64_t low = -1, high = -1;
    const rd_kafka_resp_err_t rc = rd_kafka_query_watermark_offsets(
        m_impl->rk, m_impl->uri.topic.c_str(), partition, &low, &high, timeoutMs);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Result<std::pair<int64_t, int64_t>>::error("cannot ask for the offsets of " + m_impl->uri.topic
            + "/" + std::to_string(partition) + ": " + rd_kafka_err2str(rc));
    return std::make_pair(low, high);
}

Result<int64_t> KafkaConsumer::logStart(int32_t partition, int timeoutMs)
{
    auto range = offsetRange(partition, timeoutMs);
    if (!range) return Result<int64_t>(range.status());
    return range->first;
}

int64_t KafkaConsumer::highWatermark(int32_t partition) const
{
    int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(m_impl->rk, m_impl->uri.topic.c_str(), partition, &low, &high)
        != RD_KAFKA_RESP_ERR_NO_ERROR)
        return -1;
    return high >= 0 ? high : -1;
}

const std::string& KafkaConsumer::brokerState() const
{
    return m_impl->state->brokerState;
}

int64_t KafkaConsumer::clientErrors() const
{
    return m_impl->state->clientErrors;
}

const std::string& KafkaConsumer::lastClientError() const
{
    return m_impl->state->lastClientError;
}

void KafkaConsumer::commitToGroup(const std::map<int32_t, int64_t>& nextOffsets)
{
    if (nextOffsets.empty()) return;
    rd_kafka_topic_partition_list_t* list
        = rd_kafka_topic_partition_list_new(static_cast<int>(nextOffsets.size()));
    for (const auto& [p, offset] : nextOffsets)
        rd_kafka_topic_partition_list_add(list, m_impl->uri.topic.c_str(), p)->offset = offset;
    // Asynchronous and best effort: the result only tells other tools our lag.
    rd_kafka_commit(m_impl->rk, list, 1);
    rd_kafka_topic_partition_list_destroy(list);
}

} // namespace adclick::core
