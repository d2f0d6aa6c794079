#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/keyed_table_model.h"

namespace adclick::ui {

//! A cluster store's input partitions (docs/SCALING.md): per partition of the click topic, the
//! input offset up to which the workers' units were applied, its newest event and how far that
//! is behind the newest of all. A partition without data shows "—", never 0.
class ClusterChainModel : public KeyedTableModel<core::ClusterChain> {
    Q_OBJECT
public:
    enum Columns { PartitionColumn, AppliedColumn, NewestEventColumn, BehindColumn, NumColumns };
    enum Roles { SortRole = kSortRole };

    explicit ClusterChainModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setChains(const std::vector<core::ClusterChain>& chains);
    void setUtc(bool utc);

    //! The chains in a few words: "8 input partitions · 24,000 offsets applied", with the number
    //! of partitions that have no data yet; empty when there are none.
    static QString summary(const std::vector<core::ClusterChain>& chains);

protected:
    std::string keyOf(const core::ClusterChain& row) const override
    {
        return row.topic + '/' + std::to_string(row.partition);
    }
    QVariant cell(const core::ClusterChain& row, int column, int role) const override;
    QVariant rowValue(const core::ClusterChain& row, int role) const override;

private:
    //! Event time behind the newest partition; −1 unknown (this one or every one has no data).
    int64_t behindMs(const core::ClusterChain& row) const;

    bool m_utc = true;
    bool m_multipleTopics = false;
    int64_t m_newestMs = core::kNoTime; //!< the newest event time of all chains
};

} // namespace adclick::ui
