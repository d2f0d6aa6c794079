#pragma once

#include "ui/dashboard/source_spec.h"

#include "core/base/status.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace adclick::core {
class EmbeddedBroker;
class LiveClickStream;
struct LiveStreamStats;
} // namespace adclick::core

namespace adclick::ui {

//! `--demo`: the embedded Kafka cluster (3 brokers, topic "clicks", 8 partitions), a generated
//! click stream in wall-clock time produced to it, and a fresh database in a temporary folder.
//! The source has a small lateness (5 s) and idle time (2 s), so panes become final quickly.
class DemoSession {
public:
    struct Options {
        int brokers = 3;
        int partitions = 8;
        std::string topic = "clicks";
        double rate = 2000;
        uint32_t ads = 200;
    };

    ~DemoSession();
    DemoSession(const DemoSession&) = delete;
    DemoSession& operator=(const DemoSession&) = delete;

    //! Starts the brokers and the stream (blocks for a moment: call it off the GUI thread).
    static core::Result<std::unique_ptr<DemoSession>> start(const Options& options);

    SourceSpec source() const;
    QString databasePath() const;
    QString bootstraps() const;
    int64_t produced() const;
    //! Stops the stream (the brokers stay up until destruction).
    void stopStream();

private:
    DemoSession() = default;
    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<core::EmbeddedBroker> m_broker;
    std::unique_ptr<core::LiveClickStream> m_stream;
};

} // namespace adclick::ui
