#pragma once
// What the engine tests (tst_engine, tst_engine_boundaries) feed a restart: a click as the raw
// event the store would read back with the verdict `status`. It views the click's text.
#include "core/base/click_event.h"
#include "core/pipeline/raw_format.h"

namespace adclick::core::testing {

inline RawEvent rawOf(const ClickEvent& c, RawStatus status = RawStatus::Accepted)
{
    RawEvent raw;
    raw.status = status;
    raw.timeMs = c.timeMs;
    raw.adId = c.adId;
    raw.userId = c.userId;
    raw.ip = c.ip;
    raw.country = c.country;
    raw.clickId = c.clickId;
    return raw;
}

} // namespace adclick::core::testing
