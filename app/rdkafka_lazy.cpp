#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

// librdkafka, loaded when the CLI first calls it. Linked as usual, it and the libraries it
// pulls in (OpenSSL, SASL, LZ4) cost every start of `adclick` ~6 ms of CPU in the dynamic
// loader — a fifth of a query's budget — while only the Kafka commands use it. These
// definitions of the functions the CLI calls take precedence over the library's, so the linker
// (with --as-needed, app/CMakeLists.txt) leaves librdkafka out of the executable's dependencies;
// each resolves the real function on first use. A function not listed here that the CLI starts
// to call brings the plain dependency back (still correct, only slower to start): add it here.
// The GUI and the tests link librdkafka as usual.

namespace {

void* library()
{
    static void* const handle = [] {
        void* h = ::dlopen("librdkafka.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            std::fprintf(stderr, "adclick: cannot load librdkafka.so.1 (%s)\n", ::dlerror());
            std::exit(2);
        }
        return h;
    }();
    return handle;
}

template <class F> F resolve(const char* name)
{
    void* p = ::dlsym(library(), name);
    if (!p) {
        std::fprintf(stderr, "adclick: librdkafka.so.1 has no %s\n", name);
        std::exit(2);
    }
    return reinterpret_cast<F>(p);
}

#define ADCLICK_REAL(name) static const auto real = resolve<decltype(&name)>(#name)

} // namespace

extern "C" {

rd_kafka_resp_err_t rd_kafka_assign(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* partitions)
{
    ADCLICK_REAL(rd_kafka_assign);
    return real(rk, partitions);
}

rd_kafka_resp_err_t rd_kafka_commit(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* offsets, int async)
{
    ADCLICK_REAL(rd_kafka_commit);
    return real(rk, offsets, async);
}

void rd_kafka_conf_destroy(rd_kafka_conf_t* conf)
{
    ADCLICK_REAL(rd_kafka_conf_destroy);
    real(conf);
}

rd_kafka_conf_t* rd_kafka_conf_new(void)
{
    ADCLICK_REAL(rd_kafka_conf_new);
    return real();
}

rd_kafka_conf_res_t rd_kafka_conf_set(
    rd_kafka_conf_t* conf, const char* name, const char* value, char* errstr, size_t errstr_size)
{
    ADCLICK_REAL(rd_kafka_conf_set);
    return real(conf, name, value, errstr, errstr_size);
}

void rd_kafka_conf_set_dr_msg_cb(rd_kafka_conf_t* conf,
    void (*dr_msg_cb)(rd_kafka_t* rk, const rd_kafka_message_t* rkmessage, void* opaque))
{
    ADCLICK_REAL(rd_kafka_conf_set_dr_msg_cb);
    real(conf, dr_msg_cb);
}

void rd_kafka_conf_set_error_cb(
    rd_kafka_conf_t* conf, void (*error_cb)(rd_kafka_t* rk, int err, const char* reason, void* opaque))
{
    ADCLICK_REAL(rd_kafka_conf_set_error_cb);
    real(conf, error_cb);
}

void rd_kafka_conf_set_opaque(rd_kafka_conf_t* conf, void* opaque)
{
    ADCLICK_REAL(rd_kafka_conf_set_opaque);
    real(conf, opaque);
}

ssize_t rd_kafka_consume_batch_queue(
    rd_kafka_queue_t* rkqu, int timeout_ms, rd_kafka_message_t** rkmessages, size_t rkmessages_size)
{
    ADCLICK_REAL(rd_kafka_consume_batch_queue);
    return real(rkqu, timeout_ms, rkmessages, rkmessages_size);
}

rd_kafka_message_t* rd_kafka_consumer_poll(rd_kafka_t* rk, int timeout_ms)
{
    ADCLICK_REAL(rd_kafka_consumer_poll);
    return real(rk, timeout_ms);
}

void rd_kafka_destroy(rd_kafka_t* rk)
{
    ADCLICK_REAL(rd_kafka_destroy);
    real(rk);
}

void rd_kafka_destroy_flags(rd_kafka_t* rk, int flags)
{
    ADCLICK_REAL(rd_kafka_destroy_flags);
    real(rk, flags);
}

const char* rd_kafka_err2str(rd_kafka_resp_err_t err)
{
    ADCLICK_REAL(rd_kafka_err2str);
    return real(err);
}

rd_kafka_resp_err_t rd_kafka_flush(rd_kafka_t* rk, int timeout_ms)
{
    ADCLICK_REAL(rd_kafka_flush);
    return real(rk, timeout_ms);
}

void rd_kafka_get_err_descs(const struct rd_kafka_err_desc** errdescs, size_t* cntp)
{
    ADCLICK_REAL(rd_kafka_get_err_descs);
    real(errdescs, cntp);
}

rd_kafka_resp_err_t rd_kafka_get_watermark_offsets(
    rd_kafka_t* rk, const char* topic, int32_t partition, int64_t* low, int64_t* high)
{
    ADCLICK_REAL(rd_kafka_get_watermark_offsets);
    return real(rk, topic, partition, low, high);
}

void rd_kafka_message_destroy(rd_kafka_message_t* rkmessage)
{
    ADCLICK_REAL(rd_kafka_message_destroy);
    real(rkmessage);
}

rd_kafka_resp_err_t rd_kafka_metadata(rd_kafka_t* rk, int all_topics, rd_kafka_topic_t* only_rkt,
    const struct rd_kafka_metadata** metadatap, int timeout_ms)
{
    ADCLICK_REAL(rd_kafka_metadata);
    return real(rk, all_topics, only_rkt, metadatap, timeout_ms);
}

void rd_kafka_metadata_destroy(const struct rd_kafka_metadata* metadata)
{
    ADCLICK_REAL(rd_kafka_metadata_destroy);
    real(metadata);
}

rd_kafka_resp_err_t rd_kafka_mock_broker_set_down(rd_kafka_mock_cluster_t* mcluster, int32_t broker_id)
{
    ADCLICK_REAL(rd_kafka_mock_broker_set_down);
    return real(mcluster, broker_id);
}

rd_kafka_resp_err_t rd_kafka_mock_broker_set_rtt(
    rd_kafka_mock_cluster_t* mcluster, int32_t broker_id, int rtt_ms)
{
    ADCLICK_REAL(rd_kafka_mock_broker_set_rtt);
    return real(mcluster, broker_id, rtt_ms);
}

rd_kafka_resp_err_t rd_kafka_mock_broker_set_up(rd_kafka_mock_cluster_t* mcluster, int32_t broker_id)
{
    ADCLICK_REAL(rd_kafka_mock_broker_set_up);
    return real(mcluster, broker_id);
}

const char* rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t* mcluster)
{
    ADCLICK_REAL(rd_kafka_mock_cluster_bootstraps);
    return real(mcluster);
}

void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t* mcluster)
{
    ADCLICK_REAL(rd_kafka_mock_cluster_destroy);
    real(mcluster);
}

rd_kafka_mock_cluster_t* rd_kafka_mock_cluster_new(rd_kafka_t* rk, int broker_cnt)
{
    ADCLICK_REAL(rd_kafka_mock_cluster_new);
    return real(rk, broker_cnt);
}

rd_kafka_resp_err_t rd_kafka_mock_partition_set_leader(
    rd_kafka_mock_cluster_t* mcluster, const char* topic, int32_t partition, int32_t broker_id)
{
    ADCLICK_REAL(rd_kafka_mock_partition_set_leader);
    return real(mcluster, topic, partition, broker_id);
}

void rd_kafka_mock_push_request_errors_array(
    rd_kafka_mock_cluster_t* mcluster, int16_t ApiKey, size_t cnt, const rd_kafka_resp_err_t* errors)
{
    ADCLICK_REAL(rd_kafka_mock_push_request_errors_array);
    real(mcluster, ApiKey, cnt, errors);
}

rd_kafka_resp_err_t rd_kafka_mock_topic_create(
    rd_kafka_mock_cluster_t* mcluster, const char* topic, int partition_cnt, int replication_factor)
{
    ADCLICK_REAL(rd_kafka_mock_topic_create);
    return real(mcluster, topic, partition_cnt, replication_factor);
}

rd_kafka_t* rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t* conf, char* errstr, size_t errstr_size)
{
    ADCLICK_REAL(rd_kafka_new);
    return real(type, conf, errstr, errstr_size);
}

int rd_kafka_poll(rd_kafka_t* rk, int timeout_ms)
{
    ADCLICK_REAL(rd_kafka_poll);
    return real(rk, timeout_ms);
}

rd_kafka_resp_err_t rd_kafka_poll_set_consumer(rd_kafka_t* rk)
{
    ADCLICK_REAL(rd_kafka_poll_set_consumer);
    return real(rk);
}

rd_kafka_resp_err_t rd_kafka_query_watermark_offsets(
    rd_kafka_t* rk, const char* topic, int32_t partition, int64_t* low, int64_t* high, int timeout_ms)
{
    ADCLICK_REAL(rd_kafka_query_watermark_offsets);
    return real(rk, topic, partition, low, high, timeout_ms);
}

void rd_kafka_queue_destroy(rd_kafka_queue_t* rkqu)
{
    ADCLICK_REAL(rd_kafka_queue_destroy);
    real(rkqu);
}

rd_kafka_queue_t* rd_kafka_queue_get_consumer(rd_kafka_t* rk)
{
    ADCLICK_REAL(rd_kafka_queue_get_consumer);
    return real(rk);
}

rd_kafka_topic_partition_t* rd_kafka_topic_partition_list_add(
    rd_kafka_topic_partition_list_t* rktparlist, const char* topic, int32_t partition)
{
    ADCLICK_REAL(rd_kafka_topic_partition_list_add);
    return real(rktparlist, topic, partition);
}

void rd_kafka_topic_partition_list_destroy(rd_kafka_topic_partition_list_t* rkparlist)
{
    ADCLICK_REAL(rd_kafka_topic_partition_list_destroy);
    real(rkparlist);
}

rd_kafka_topic_partition_list_t* rd_kafka_topic_partition_list_new(int size)
{
    ADCLICK_REAL(rd_kafka_topic_partition_list_new);
    return real(size);
}

const char* rd_kafka_message_errstr(const rd_kafka_message_t* rkmessage)
{
    ADCLICK_REAL(rd_kafka_message_errstr);
    return real(rkmessage);
}

//! The variadic producer call, through rd_kafka_produceva (the same fields as an array).
rd_kafka_resp_err_t rd_kafka_producev(rd_kafka_t* rk, ...)
{
    ADCLICK_REAL(rd_kafka_produceva);
    static const auto code = resolve<decltype(&rd_kafka_error_code)>("rd_kafka_error_code");
    static const auto destroy = resolve<decltype(&rd_kafka_error_destroy)>("rd_kafka_error_destroy");
    rd_kafka_vu_t vus[16];
    size_t n = 0;
    va_list ap;
    va_start(ap, rk);
    for (rd_kafka_vtype_t t; (t = static_cast<rd_kafka_vtype_t>(va_arg(ap, int))) != RD_KAFKA_VTYPE_END;) {
        if (n == sizeof vus / sizeof vus[0]) {
            va_end(ap);
            return RD_KAFKA_RESP_ERR__INVALID_ARG;
        }
        rd_kafka_vu_t& v = vus[n++];
        v.vtype = t;
        switch (t) {
        case RD_KAFKA_VTYPE_TOPIC:
            v.u.cstr = va_arg(ap, const char*);
            break;
        case RD_KAFKA_VTYPE_RKT:
            v.u.rkt = va_arg(ap, rd_kafka_topic_t*);
            break;
        case RD_KAFKA_VTYPE_PARTITION:
            v.u.i32 = va_arg(ap, int32_t);
            break;
        case RD_KAFKA_VTYPE_VALUE:
        case RD_KAFKA_VTYPE_KEY:
            v.u.mem.ptr = va_arg(ap, void*);
            v.u.mem.size = va_arg(ap, size_t);
            break;
        case RD_KAFKA_VTYPE_OPAQUE:
            v.u.ptr = va_arg(ap, void*);
            break;
        case RD_KAFKA_VTYPE_MSGFLAGS:
            v.u.i = va_arg(ap, int);
            break;
        case RD_KAFKA_VTYPE_TIMESTAMP:
            v.u.i64 = va_arg(ap, int64_t);
            break;
        case RD_KAFKA_VTYPE_HEADER:
            v.u.header.name = va_arg(ap, const char*);
            v.u.header.val = va_arg(ap, const void*);
            v.u.header.size = va_arg(ap, ssize_t);
            break;
        case RD_KAFKA_VTYPE_HEADERS:
            v.u.headers = va_arg(ap, rd_kafka_headers_t*);
            break;
        default:
            va_end(ap);
            return RD_KAFKA_RESP_ERR__INVALID_ARG;
        }
    }
    va_end(ap);
    rd_kafka_error_t* error = real(rk, vus, n);
    if (!error) return RD_KAFKA_RESP_ERR_NO_ERROR;
    const rd_kafka_resp_err_t err = code(error);
    destroy(error);
    return err;
}

} // extern "C"
