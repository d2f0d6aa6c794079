#include "ui/models/preview_text.h"

#include "ui/models/time_format.h"

#include <QLocale>
#include <QObject>

namespace adclick::ui {

namespace {

QString count(int64_t n)
{
    return QLocale().toString(qlonglong(n));
}

QString percent(double fraction)
{
    return QStringLiteral("%1 %").arg(fraction * 100, 0, 'f', fraction < 0.1 ? 2 : 1);
}

constexpr const char* kFieldNames[] = { "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id" };

} // namespace

QString sniffFormatText(const core::SniffResult& r)
{
    if (r.empty) return QObject::tr("empty file");
    if (r.binary) return QObject::tr("not a text file");
    QString text;
    switch (r.format) {
    case core::LineFormat::Auto:
        text = QObject::tr("no click format recognised");
        break;
    case core::LineFormat::Book:
        text = QObject::tr("the book format ([AdClickEvent] ad_id, time, user_id, ip, country)");
        break;
    case core::LineFormat::Csv:
        text = r.headerLine > 0 ? QObject::tr("CSV with a header on line %1").arg(r.headerLine)
                                : QObject::tr("CSV without a header");
        break;
    case core::LineFormat::Jsonl:
        text = QObject::tr("JSON lines");
        break;
    }
    if (r.format != core::LineFormat::Jsonl)
        text += QObject::tr(", delimiter %1")
                    .arg(r.delimiter == '\t' ? QStringLiteral("tab")
                                             : QStringLiteral("'%1'").arg(QChar(r.delimiter)));
    return text;
}

namespace {

//! "ISO 8601 (YYYY-MM-DD hh:mm:ss)", "epoch seconds (10 digits)", "pattern %d/%m/%Y %H:%M".
QString timeFormatText(const core::SniffResult& r)
{
    const QString pattern = QString::fromStdString(r.timePattern);
    if (r.timeFormat == "iso") return QObject::tr("ISO 8601 (%1)").arg(pattern);
    if (r.timeFormat == "epoch-s") return QObject::tr("epoch seconds (%1)").arg(pattern);
    if (r.timeFormat == "epoch-ms") return QObject::tr("epoch milliseconds (%1)").arg(pattern);
    if (r.timeFormat == "epoch-us") return QObject::tr("epoch microseconds (%1)").arg(pattern);
    if (r.timeFormat == "epoch-ns") return QObject::tr("epoch nanoseconds (%1)").arg(pattern);
    if (r.timeFormat == "strftime") return QObject::tr("the pattern %1").arg(pattern);
    return QObject::tr("other");
}

} // namespace

QString sniffTimeSuggestionText(const core::SniffResult& r)
{
    const auto& s = r.suggestedTimeFormats;
    if (s.size() == 1)
        return QObject::tr("Times not read look like %1: choose it as the time format.")
            .arg(QString::fromStdString(s[0]));
    if (s.size() == 2)
        return QObject::tr("Times not read fit day-first %1 and month-first %2 (no day above 12): which "
                           "it is cannot be told from them; choose the right one.")
            .arg(QString::fromStdString(s[0]), QString::fromStdString(s[1]));
    if (!r.badTimeExample.empty())
        return QObject::tr("Times such as '%1' are not read: type a strftime pattern as the time format.")
            .arg(QString::fromStdString(r.badTimeExample));
    return {};
}

QString sniffTimeText(const core::SniffResult& r, bool utc)
{
    const QString zone = QString::fromStdString(r.timeZone);
    QString text;
    if (r.events == 0) {
        text = QObject::tr("no click time read");
    } else {
        QString format = timeFormatText(r);
        if (r.zoneApplies)
            format += QObject::tr(", no zone: read as %1").arg(zone);
        else if (r.timeFormat == "iso" || r.timeFormat == "strftime")
            format += QObject::tr(", with their own zone");
        text = QObject::tr("%1 · %2 – %3")
                   .arg(format, formatTime(r.minTimeMs, utc), formatTime(r.maxTimeMs, utc));
    }
    const QString suggestion = sniffTimeSuggestionText(r);
    return suggestion.isEmpty() ? text : text + QStringLiteral(" · ") + suggestion;
}

QString sniffOrderText(const core::SniffResult& r)
{
    if (r.events == 0) return QObject::tr("no clicks to judge");
    if (r.behind == 0) return QObject::tr("in time order: no click comes after a later one");
    QString text = QObject::tr("%1 of the clicks come after a later one, by up to %2.")
                       .arg(percent(r.behindFraction()), formatDuration(r.maxStepBackMs));
    text += QLatin1Char(' ');
    if (r.lateAtLateness == 0)
        text += QObject::tr("With the lateness of %1 none would be late.").arg(formatDuration(r.latenessMs));
    else
        text += QObject::tr(
            "With the lateness of %1, %2 (%3) would be late; a lateness of %4 would take them all.")
                    .arg(formatDuration(r.latenessMs), count(r.lateAtLateness), percent(r.lateFraction()),
                        formatDuration(r.latenessForAllOnTimeMs));
    return text;
}

QString sniffVerdictText(const core::SniffLine& line)
{
    switch (line.kind) {
    case core::LineKind::Event:
        return line.late ? QObject::tr("late") : QObject::tr("accepted");
    case core::LineKind::Header:
        return QObject::tr("header");
    case core::LineKind::Blank:
        return QObject::tr("blank");
    case core::LineKind::Rejected:
        break;
    }
    const std::string_view reason = core::rejectReasonName(line.reason);
    return QObject::tr("rejected: %1").arg(QString::fromUtf8(reason.data(), qsizetype(reason.size())));
}

QString sniffColumnText(const core::SniffResult& r, std::size_t field, const core::ColumnMap& map)
{
    if (field >= std::size(kFieldNames)) return {};
    switch (r.format) {
    case core::LineFormat::Csv: {
        if (field >= r.mapping.size() || r.mapping[field].column < 0) return QObject::tr("—");
        const core::SniffColumn& m = r.mapping[field];
        return m.name.empty()
            ? QObject::tr("column %1").arg(m.column + 1)
            : QObject::tr("column %1 · %2").arg(m.column + 1).arg(QString::fromStdString(m.name));
    }
    case core::LineFormat::Jsonl: {
        const auto& mapped = map.columns[field];
        if (mapped)
            return mapped->empty() ? QObject::tr("none")
                                   : QObject::tr("key %1").arg(QString::fromStdString(*mapped));
        // Unmapped: the key the parser finds by name (its own name or the best synonym).
        QString best;
        int bestRank = 1 << 30;
        for (const std::string& key : r.jsonKeys) {
            core::ClickField f {};
            int rank = 0;
            if (core::fieldOfName(key, f, rank) && std::size_t(f) == field && rank < bestRank) {
                best = QString::fromStdString(key);
                bestRank = rank;
            }
        }
        return best.isEmpty() ? QObject::tr("—") : QObject::tr("key %1").arg(best);
    }
    case core::LineFormat::Book:
        return QObject::tr("position %1").arg(field + 1);
    case core::LineFormat::Auto:
        break;
    }
    return QObject::tr("—");
}

QString sniffCountsText(const core::SniffResult& r)
{
    QString text = r.wholeFile ? QObject::tr("Read all %1 lines: ").arg(count(int64_t(r.records)))
                               : QObject::tr("Read the first %1 lines: ").arg(count(int64_t(r.records)));
    text += QObject::tr("%1 accepted, %2 rejected").arg(count(r.events), count(r.rejected));
    QStringList reasons;
    for (std::size_t i = 0; i < r.rejectedBy.size(); ++i)
        if (r.rejectedBy[i] > 0) {
            const std::string_view n = core::rejectReasonName(static_cast<core::RejectReason>(i));
            reasons << QStringLiteral("%1 %2").arg(
                QString::fromUtf8(n.data(), qsizetype(n.size())), count(r.rejectedBy[i]));
        }
    if (!reasons.isEmpty())
        text += QStringLiteral(" (") + reasons.join(QStringLiteral(", ")) + QLatin1Char(')');
    return text;
}

} // namespace adclick::ui
