#pragma once

namespace adclick::core {

//! Schema of the store. One writer (the engine, holding `<db>.lock`), any number of readers.
//! All tables of one ingest batch change in one transaction together with the source positions
//! and the committed lengths of the raw segments, so the database always holds exactly the
//! result of a prefix of the input.
inline constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value ANY) WITHOUT ROWID;
-- meta keys: schema_version, lateness_ms, late_policy ('drop'|'update'), dedup_horizon_ms,
--            max_event_ms (largest event time seen; absent before the first event),
--            watermark_ms (max_event_ms - lateness, or later after idle advance),
--            jump_candidate_ms (an archive click rejected as `future` that the next click may
--            confirm; absent when none)

CREATE TABLE IF NOT EXISTS ads(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

-- Per-minute aggregates: one row per (filter, pane, ad, country).
-- filter_id 0 = all clicks; otherwise saved_filters.id (the design's filter_id dimension).
-- minute = epoch minutes (event time ms / 60000, floored). clicks = aggregated events;
-- late = events that arrived after the pane was final (in clicks too only with --late update).
-- A pane is final when watermark_ms >= (minute + 1) * 60000; rows of open panes are provisional.
CREATE TABLE IF NOT EXISTS agg(
    filter_id INTEGER NOT NULL,
    minute INTEGER NOT NULL,
    ad INTEGER NOT NULL,
    country TEXT NOT NULL,
    clicks INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY(filter_id, minute, ad, country)) WITHOUT ROWID;

-- Per event-minute totals over all ads, for health views: accepted, duplicates, late events.
CREATE TABLE IF NOT EXISTS minute_stats(
    minute INTEGER PRIMARY KEY, accepted INTEGER NOT NULL, duplicates INTEGER NOT NULL,
    late INTEGER NOT NULL);

-- Counters: lines, accepted, duplicates, late, late_applied, rejected, rejected.<reason>.
CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

-- The first rejected lines (up to a cap), for inspection.
CREATE TABLE IF NOT EXISTS rejects(
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, offset INTEGER NOT NULL, reason TEXT NOT NULL,
    line BLOB NOT NULL);

-- Source positions. A file is known by its content fingerprint (fp_len, fp_hash), so renames and
-- compression by rotation do not make it new. offset = content bytes fully processed.
CREATE TABLE IF NOT EXISTS sources(
    id INTEGER PRIMARY KEY, uri TEXT NOT NULL, fp_len INTEGER NOT NULL, fp_hash INTEGER NOT NULL,
    offset INTEGER NOT NULL, updated_ms INTEGER NOT NULL, max_ms INTEGER);
-- Kafka partitions are sources too: uri 'kafka:<topic>/<partition>', offset = the next offset to
-- read, max_ms = the partition's largest event time (fp_len = 0).
-- The line parser's state at a source's offset (the CSV header that applies there; empty when
-- none), written with the offset so a resume reads on exactly as the parser did. A source
-- without a row was stored by an older version.
CREATE TABLE IF NOT EXISTS source_parsers(source INTEGER PRIMARY KEY, state BLOB NOT NULL);

-- Raw event segments (files in `<db>.raw/`). Only the first `bytes` bytes of a file are
-- committed; a longer file has an uncommitted tail that readers ignore and the engine truncates.
CREATE TABLE IF NOT EXISTS segments(
    id INTEGER PRIMARY KEY, file TEXT NOT NULL, bytes INTEGER NOT NULL, events INTEGER NOT NULL,
    min_ms INTEGER, max_ms INTEGER);

-- Saved filters (the design's filter_id). state: 'pending' until back-filled, then 'ready'.
-- Kafka health as of the last commit (for `adclick stats` and the GUI; not used for exactness,
-- which lives in sources). One row per Kafka source and one per partition of it.
CREATE TABLE IF NOT EXISTS kafka_sources(
    source TEXT PRIMARY KEY, topic TEXT NOT NULL, broker_state TEXT NOT NULL,
    rebalances INTEGER NOT NULL, gap TEXT NOT NULL, transient_errors INTEGER NOT NULL,
    last_error TEXT NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kafka_partitions(
    source TEXT NOT NULL, partition INTEGER NOT NULL, position INTEGER NOT NULL,
    high_watermark INTEGER NOT NULL, lag_messages INTEGER NOT NULL, lag_ms INTEGER NOT NULL,
    max_event_ms INTEGER, idle INTEGER NOT NULL, PRIMARY KEY(source, partition)) WITHOUT ROWID;

-- CRC-32 of each 1 MiB block of a raw segment's committed bytes (raw_blocks.h), written with the
-- segment's committed length; checked whenever raw events are read back. Since version 2.
CREATE TABLE IF NOT EXISTS raw_blocks(
    segment INTEGER NOT NULL, block INTEGER NOT NULL, bytes INTEGER NOT NULL, crc INTEGER NOT NULL,
    PRIMARY KEY(segment, block)) WITHOUT ROWID;

-- Rollups of agg for the queries (rollups.h), since version 4: clicks of all countries per
-- (filter, bucket of `width` minutes, ad); bucket b holds the minutes [b·width, (b+1)·width).
-- Always equal to the matching GROUP BY over agg (written in the same transactions).
-- rank (since version 6): clicks >> 4 in the hour level (width 60), 0 in the others; indexed by
-- agg_rollup_rank (kRollupRankIndexSql) for the bounds of `popular` (top_ads_bounded.h).
CREATE TABLE IF NOT EXISTS agg_rollup(
    filter_id INTEGER NOT NULL, width INTEGER NOT NULL, bucket INTEGER NOT NULL, ad INTEGER NOT NULL,
    clicks INTEGER NOT NULL, rank INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(filter_id, width, bucket, ad))
    WITHOUT ROWID;

-- Since version 7: per (filter, width, bucket) the sum of agg_rollup's clicks over every ad, so a
-- window's total over all ads reads a dozen rows, not every ad's (the window's top-N shares).
-- Written wherever agg_rollup is, in the same transactions.
CREATE TABLE IF NOT EXISTS agg_rollup_total(
    filter_id INTEGER NOT NULL, width INTEGER NOT NULL, bucket INTEGER NOT NULL, clicks INTEGER NOT NULL,
    PRIMARY KEY(filter_id, width, bucket)) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS saved_filters(
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, expr TEXT NOT NULL, state TEXT NOT NULL,
    created_ms INTEGER NOT NULL);
)sql";

//! The hour rollups by rank, then ad (since version 6). Partial: the hour level alone, and only
//! its rows of 16 clicks or more (the long tail of ads never enters it). It indexes rank, not
//! clicks: rank changes only when clicks pass a multiple of 16, so most of the commit's
//! additions to an hour row leave the index as it is (indexing clicks cost the 100 k-ad ingest
//! ~7% of its CPU). Created by the writer's open after the schema steps (version 5 and older
//! databases have no rank column before them).
inline constexpr const char* kRollupRankIndexSql
    = "CREATE INDEX IF NOT EXISTS agg_rollup_rank ON agg_rollup(filter_id, width, bucket, rank DESC, ad) "
      "WHERE width = 60 AND rank > 0";

//! 2: raw_blocks (checksums of the raw segments). Version 1 databases are read as they are
//! (their raw events unchecked) and moved to version 2 by the next ingest, which computes the
//! checksums of the segments as they are then.
//! 3: binary raw segments (`seg-NNNNNN.acr`, core/pipeline/raw_frame.h). The text segments
//! (`.tsv`) of older databases stay and are read as text; their next ingest writes new events
//! to a new binary segment.
//! 4: agg_rollup (rollups.h). Older databases are read as they are (queries read agg) and moved
//! to version 4 by the next writer's open (migrateToRollups), in one transaction; older binaries
//! refuse versions they do not know.
//! 5: new raw frames are version 2 (a checksum of their own, stragglers in frames of their own;
//! raw_frame.h) and may hold status 'H' (RawStatus::BeyondHorizon); older binaries would read them
//! as damaged, so they refuse the version instead. Nothing to convert: version-1 frames stay.
//! 6: agg_rollup.rank and its index agg_rollup_rank (migrateToRollupRanks). Older databases
//! are read as they are (popular sums every rollup row) until the next writer's open.
//! 7: agg_rollup_total (migrateToRollupTotals). Older databases are read as they are (a window's
//! total sums every ad's rollup rows) until the next writer's open.
inline constexpr int kSchemaVersion = 7;
inline constexpr int kOldestReadableSchemaVersion = 1;

} // namespace adclick::core
