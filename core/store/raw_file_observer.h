#pragma once

#include <string>

namespace adclick::core {

//! A seam for tests that model the disk (tests/scenario/power_loss_vfs.h: power loss drops
//! every write not yet synced). The store tells it before every write and every sync of a raw
//! segment file; `false` makes that call fail as an I/O error would. Not for production use:
//! none is installed unless a test does.
class RawFileObserver {
public:
    virtual ~RawFileObserver() = default;
    virtual bool beforeWrite(const std::string& file) = 0;
    virtual bool beforeSync(const std::string& file) = 0;
};

//! Installs `observer` for the whole process (null: none). Call it while no store is open.
void setRawFileObserver(RawFileObserver* observer);

} // namespace adclick::core
