#include "ui/models/time_format.h"

#include "core/base/timestamp.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>

namespace adclick::ui {

QString formatTime(int64_t epochMs, bool utc, bool withSeconds)
{
    const QDateTime t
        = QDateTime::fromMSecsSinceEpoch(epochMs, utc ? QTimeZone::utc() : QTimeZone::systemTimeZone());
    const QString text = t.toString(
        withSeconds ? QStringLiteral("yyyy-MM-dd HH:mm:ss") : QStringLiteral("yyyy-MM-dd HH:mm"));
    return utc ? text + QStringLiteral(" UTC") : text;
}

QString formatIsoUtc(int64_t epochMs)
{
    return QString::fromStdString(core::formatIsoUtc(epochMs));
}

QString formatFieldTime(int64_t epochMs, bool utc)
{
    const QDateTime t
        = QDateTime::fromMSecsSinceEpoch(epochMs, utc ? QTimeZone::utc() : QTimeZone::systemTimeZone());
    const bool seconds = t.time().second() != 0 || t.time().msec() != 0;
    return t.toString(seconds ? QStringLiteral("yyyy-MM-dd HH:mm:ss") : QStringLiteral("yyyy-MM-dd HH:mm"));
}

namespace {

//! The zone suffix of a typed time; nullopt when it is malformed.
std::optional<QTimeZone> typedZone(const QString& zone, bool utc)
{
    if (zone.isEmpty()) return utc ? QTimeZone::utc() : QTimeZone::systemTimeZone();
    if (zone.compare(QLatin1String("Z"), Qt::CaseInsensitive) == 0
        || zone.compare(QLatin1String("UTC"), Qt::CaseInsensitive) == 0)
        return QTimeZone::utc();
    const QString digits = QString(zone).remove(QLatin1Char(':'));
    const int hours = digits.mid(1, 2).toInt(), minutes = digits.mid(3, 2).toInt();
    if (hours > 18 || minutes > 59) return std::nullopt;
    const int seconds = (hours * 3600 + minutes * 60) * (zone.startsWith(QLatin1Char('-')) ? -1 : 1);
    return QTimeZone(seconds); // a fixed offset (Qt 6.4 has no fromSecondsAheadOfUtc)
}

} // namespace

std::optional<int64_t> parseTimeInput(const QString& text, bool utc)
{
    static const QRegularExpression re(
        QStringLiteral(
            R"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch()) return std::nullopt;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QString ms = m.captured(7);
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(),
        ms.isEmpty() ? 0 : QString(ms).append(QString(3 - ms.size(), QLatin1Char('0'))).toInt());
    const std::optional<QTimeZone> zone = typedZone(m.captured(8), utc);
    if (!date.isValid() || !time.isValid() || !zone || !zone->isValid()) return std::nullopt;
    const QDateTime t(date, time, *zone);
    if (!t.isValid()) return std::nullopt; // a local time skipped by daylight saving time
    return t.toMSecsSinceEpoch();
}

QString zoneLabel(bool utc, int64_t atMs)
{
    if (utc) return QStringLiteral("UTC");
    const QTimeZone zone = QTimeZone::systemTimeZone();
    const int offset = zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(atMs, QTimeZone::utc()));
    const int a = std::abs(offset) / 60;
    return QStringLiteral("UTC%1%2:%3 %4")
        .arg(offset < 0 ? QStringLiteral("-") : QStringLiteral("+"))
        .arg(a / 60, 2, 10, QLatin1Char('0'))
        .arg(a % 60, 2, 10, QLatin1Char('0'))
        .arg(QString::fromUtf8(zone.id()));
}

QString formatDuration(int64_t ms)
{
    const bool negative = ms < 0;
    const int64_t a = std::abs(ms);
    QString text;
    if (a < 1000)
        text = QStringLiteral("%1 ms").arg(a);
    else if (a < 60'000)
        text = QStringLiteral("%1 s").arg(double(a) / 1000.0, 0, 'f', 1);
    else if (a < 3'600'000)
        text = QStringLiteral("%1 min %2 s").arg(a / 60'000).arg((a / 1000) % 60, 2, 10, QLatin1Char('0'));
    else if (a < 86'400'000)
        text = QStringLiteral("%1 h %2 min")
                   .arg(a / 3'600'000)
                   .arg((a / 60'000) % 60, 2, 10, QLatin1Char('0'));
    else
        text = QStringLiteral("%1 d %2 h").arg(a / 86'400'000).arg((a / 3'600'000) % 24);
    return negative ? QStringLiteral("\u2212") + text : text;
}

QString formatCount(double value)
{
    const QLocale l;
    const double a = std::fabs(value);
    if (a >= 1e9) return l.toString(value / 1e9, 'f', 2) + QStringLiteral(" G");
    if (a >= 1e6) return l.toString(value / 1e6, 'f', 2) + QStringLiteral(" M");
    if (a >= 1e4) return l.toString(value / 1e3, 'f', 1) + QStringLiteral(" k");
    return l.toString(value, 'f', 0);
}

} // namespace adclick::ui
