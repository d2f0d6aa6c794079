#include "ui/dashboard/demo_session.h"

#include "sim/kafka_broker.h"
#include "sim/live_stream.h"

namespace adclick::ui {

DemoSession::~DemoSession()
{
    // The producer goes before the brokers it talks to.
    stopStream();
    m_stream.reset();
    m_broker.reset();
}

core::Result<std::unique_ptr<DemoSession>> DemoSession::start(const Options& options)
{
    using R = core::Result<std::unique_ptr<DemoSession>>;
    std::unique_ptr<DemoSession> d(new DemoSession());
    d->m_options = options;
    if (!d->m_dir.isValid()) return R::error("cannot create a temporary folder for the demo database");
    auto broker = core::EmbeddedBroker::start(options.brokers, options.topic, options.partitions);
    if (!broker) return R(broker.status());
    d->m_broker = std::move(*broker);
    core::LiveStreamOptions so;
    so.brokers = d->m_broker->bootstraps();
    so.topic = options.topic;
    so.rate = options.rate;
    so.ads = options.ads;
    auto stream = core::LiveClickStream::start(so);
    if (!stream) return R(stream.status());
    d->m_stream = std::move(*stream);
    return R(std::move(d));
}

SourceSpec DemoSession::source() const
{
    SourceSpec s = SourceSpec::kafka(QStringLiteral("kafka://%1/%2?group=adclick-monitor-demo")
                                         .arg(bootstraps(), QString::fromStdString(m_options.topic)));
    s.demo = true;
    s.latenessMs = 5'000;
    s.idleMs = 2'000;
    s.commitIntervalMs = 250;
    return s;
}

QString DemoSession::databasePath() const
{
    return m_dir.filePath(QStringLiteral("demo.db"));
}

QString DemoSession::bootstraps() const
{
    return m_broker ? QString::fromStdString(m_broker->bootstraps()) : QString();
}

int64_t DemoSession::produced() const
{
    return m_stream ? m_stream->stats().produced : 0;
}

void DemoSession::stopStream()
{
    if (m_stream) m_stream->stop();
}

} // namespace adclick::ui
