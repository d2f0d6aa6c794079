#include "ui/models/time_format.h"

#include "core/base/timestamp.h"

#include <QDateTime>
#include <QLocale>
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
