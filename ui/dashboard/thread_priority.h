#pragma once

namespace adclick::ui {

//! Lowers the calling thread's CPU priority by `niceness` (Linux: per-thread nice value; a no-op
//! elsewhere). The workers call it so that on a busy machine the GUI thread is scheduled first:
//! its event loop then never waits behind the ingest or the queries, which only lose the time
//! the GUI actually uses.
void lowerThreadPriority(int niceness);

} // namespace adclick::ui
