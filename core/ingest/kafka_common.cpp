#include "core/ingest/kafka_common.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace adclick::core {

Result<rd_kafka_conf_t*> makeKafkaConf(
    const std::string& brokers, const KafkaProperties& defaults, const KafkaProperties& user)
{
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    auto set = [&](const std::string& k, const std::string& v) {
        return rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK;
    };
    std::string failed;
    for (const auto& [k, v] : user)
        if (k == "bootstrap.servers" || k == "metadata.broker.list") {
            // One broker list, the one every message names: a second one would silently win.
            rd_kafka_conf_destroy(conf);
            return Result<rd_kafka_conf_t*>::error("the Kafka property " + k
                + " is not taken: the brokers are given in the address (" + brokers + ")");
        }
    if (!set("bootstrap.servers", brokers)) failed = "bootstrap.servers=" + brokers;
    for (const auto* list : { &defaults, &user })
        for (const auto& [k, v] : *list)
            if (failed.empty() && !set(k, v)) failed = k + "=" + v;
    if (!failed.empty()) {
        rd_kafka_conf_destroy(conf);
        return Result<rd_kafka_conf_t*>::error("bad Kafka property " + failed + ": " + err);
    }
    return conf;
}

namespace {

//! The background tasks, counted; never destroyed (a task still running after the bounded wait
//! at exit must not find it gone).
struct BackgroundTasks {
    std::mutex mutex;
    std::condition_variable done;
    int running = 0;
};

BackgroundTasks& tasks()
{
    static auto* t = new BackgroundTasks();
    return *t;
}

//! At exit: give the clients being closed a moment (their sockets, their threads).
struct WaitAtExit {
    ~WaitAtExit() { waitForKafkaClosers(2000); }
} g_waitAtExit;

//! rd_kafka_metadata in slices, so a wait for brokers that do not answer can be cancelled.
rd_kafka_resp_err_t metadataCancellable(
    rd_kafka_t* rk, int timeoutMs, const std::function<bool()>& cancelled, const rd_kafka_metadata_t** md)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now())
                              .count();
        const int slice = cancelled ? static_cast<int>(std::clamp<int64_t>(left, 1, 100)) : timeoutMs;
        const rd_kafka_resp_err_t rc = rd_kafka_metadata(rk, 1, nullptr, md, slice);
        if (rc == RD_KAFKA_RESP_ERR_NO_ERROR || !cancelled || left <= slice) return rc;
        if (cancelled()) return RD_KAFKA_RESP_ERR__DESTROY;
        // A refused connection answers at once: do not spin on it.
        if (rc != RD_KAFKA_RESP_ERR__TIMED_OUT)
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(50, left)));
    }
}

} // namespace

void beginKafkaBackgroundTask()
{
    std::lock_guard lock(tasks().mutex);
    ++tasks().running;
}

void endKafkaBackgroundTask()
{
    std::lock_guard lock(tasks().mutex);
    if (--tasks().running == 0) tasks().done.notify_all();
}

bool waitForKafkaClosers(int timeoutMs)
{
    std::unique_lock lock(tasks().mutex);
    return tasks().done.wait_for(
        lock, std::chrono::milliseconds(timeoutMs), [] { return tasks().running == 0; });
}

void closeKafkaClientInBackground(rd_kafka_t* rk, std::shared_ptr<void> keepAlive)
{
    if (!rk) return;
    beginKafkaBackgroundTask();
    std::thread([rk, keepAlive = std::move(keepAlive)]() mutable {
        rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        keepAlive.reset();
        endKafkaBackgroundTask();
    }).detach();
}

Result<int> topicPartitionCount(rd_kafka_t* rk, const std::string& brokers, const std::string& topic,
    int timeoutMs, int* brokerCount, const std::function<bool()>& cancelled)
{
    // Ask for every topic, not for this one: a request naming a topic that does not exist makes
    // brokers with auto-creation on (and librdkafka's mock cluster, whatever the client asks)
    // create it, so a misspelt topic would be read as an empty one and the run end with 0 lines.
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t rc = metadataCancellable(rk, timeoutMs, cancelled, &md);
    if (rc == RD_KAFKA_RESP_ERR__DESTROY) return Result<int>::error("stopped while connecting");
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Result<int>::error("cannot reach the Kafka brokers at " + brokers + " within "
            + std::to_string(timeoutMs / 1000) + " s: " + rd_kafka_err2str(rc));
    int partitions = 0;
    if (brokerCount) {
        std::set<int32_t> ids;
        for (int i = 0; i < md->broker_cnt; ++i)
            ids.insert(md->brokers[i].id);
        *brokerCount = static_cast<int>(ids.size());
    }
    for (int i = 0; i < md->topic_cnt; ++i)
        if (md->topics[i].topic == topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
            partitions = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (partitions == 0)
        return Result<int>::error("topic '" + topic + "' does not exist on " + brokers
            + " (topics are never created by this program: create it, or check its spelling)");
    return partitions;
}

std::string allBrokersDownText(const std::string& brokers, int known)
{
    int count = known;
    if (count <= 0) {
        std::set<std::string> addresses;
        std::size_t start = 0;
        for (std::size_t comma; start <= brokers.size(); start = comma + 1) {
            comma = brokers.find(',', start);
            if (comma == std::string::npos) comma = brokers.size();
            if (comma > start) addresses.insert(brokers.substr(start, comma - start));
        }
        count = static_cast<int>(addresses.size());
    }
    return count == 1 ? "the broker is down" : "all " + std::to_string(count) + " brokers are down";
}

} // namespace adclick::core
