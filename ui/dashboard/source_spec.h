#pragma once

#include "core/input/parser_options.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adclick::ui {

//! What the ingest reads: an archive (files, .gz, folders), a followed growing file, a Kafka topic,
//! or the built-in demo (a Kafka topic on the embedded broker). A value: copied into the worker.
struct SourceSpec {
    enum class Kind { None, Archive, Follow, Kafka };
    Kind kind = Kind::None;
    QStringList paths; //!< Archive: files/folders in order; Follow: the followed file
    QString kafkaUri; //!< kafka://host:port[,…]/topic[?group=NAME]
    std::vector<std::pair<std::string, std::string>> kafkaProperties;
    //! Engine settings for a new database (an existing one keeps its own).
    std::optional<int64_t> latenessMs;
    int64_t idleMs = 30'000; //!< Follow/Kafka: idle sources let the watermark move with wall time
    int64_t commitIntervalMs = 1000;
    bool demo = false;
    //! Archive: every click counts in its own minute whatever the line order (IngestOptions::orderAny;
    //! the import preview's choice). Part of the identity: the other reading gets its own database.
    bool orderAny = false;
    //! Archive/Follow: line format, column map, time format and zone (IngestOptions::parser; the
    //! import preview's choice). A non-default one is part of the identity: another mapping of
    //! the same file gets its own database (the ingest refuses two maps in one database).
    core::ParserOptions parser;

    bool isLive() const { return kind == Kind::Follow || kind == Kind::Kafka; }
    bool isValid() const;
    //! Short text for titles and the status area.
    QString displayName() const;
    //! A stable identity of the source, for its default database.
    QString identity() const;
    //! The source list handed to core::IngestOptions::sources.
    std::vector<std::string> coreSources() const;

    static SourceSpec archive(const QStringList& paths);
    static SourceSpec follow(const QString& path);
    static SourceSpec kafka(const QString& uri, std::vector<std::pair<std::string, std::string>> props = {});
};

//! The default database of a source: `<AppDataLocation>/databases/<name>-<hash>.db`, so opening the
//! same archive or topic again continues (or reuses) its database.
QString defaultDatabaseFor(const SourceSpec& spec);

//! Bytes the ingest will read from an archive (uncompressed: a .gz counts its ISIZE trailer, the
//! uncompressed size mod 4 GiB, widened to be at least the compressed size). 0 when unknown.
uint64_t estimateArchiveBytes(const QStringList& paths);

//! `kafka://servers/topic?group=G`.
QString makeKafkaUri(const QString& servers, const QString& topic, const QString& group);

} // namespace adclick::ui
