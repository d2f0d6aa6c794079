#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/source_spec.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace adclick::core {
class KafkaLagProbe;
}

namespace adclick::ui {

//! While a Kafka source is paused (its ingest stopped), keeps reading the topic's high
//! watermarks (a light client: metadata and offsets only, no consuming), so the health panel
//! shows the lag growing under a producer, or unknown when the brokers do not answer, instead
//! of the figures of the last commit.
class KafkaLagWatch : public QObject {
    Q_OBJECT
public:
    explicit KafkaLagWatch(QObject* parent = nullptr);
    ~KafkaLagWatch() override;

    //! Watches `spec`'s topic (a Kafka source), or stops watching (any other spec). Never waits.
    void watch(const SourceSpec& spec);
    bool watching() const { return m_probe != nullptr; }

    //! `snapshot` with the watched topic's high watermarks, lag and broker state brought up to
    //! date; the same pointer when nothing is watched.
    SnapshotPtr overlay(const SnapshotPtr& snapshot) const;
    //! The same for a list of health reports (the partitions' positions are kept).
    void apply(std::vector<core::KafkaHealth>& kafka) const;

signals:
    //! New readings (about every second while watching).
    void changed();

private:
    std::unique_ptr<core::KafkaLagProbe> m_probe;
    std::string m_topic;
    QTimer m_timer;
};

} // namespace adclick::ui
