#include "ui/charts/time_ticks.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace adclick::ui {

namespace {

constexpr int64_t kMinute = 60'000;

int64_t ceilDiv(int64_t a, int64_t b)
{
    return a / b + ((a % b != 0) && ((a > 0) == (b > 0)) ? 1 : 0);
}

} // namespace

const QList<int64_t>& tickStepsMinutes()
{
    static const QList<int64_t> steps { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080 };
    return steps;
}

TimeTicks roundMinuteTicks(double minMs, double maxMs, int maxTicks, bool utc)
{
    TimeTicks out;
    if (!(maxMs > minMs) || !std::isfinite(minMs) || !std::isfinite(maxMs)) return out;
    const int64_t lo = int64_t(std::ceil(minMs)), hi = int64_t(std::floor(maxMs));
    const QTimeZone zone = utc ? QTimeZone::utc() : QTimeZone::systemTimeZone();
    // Round in the shown zone: local 10:30 is a round half hour even at +05:30. The offset at the
    // range's start is used throughout (a daylight-saving change inside the range shifts later
    // ticks by its hour, which stays a round minute).
    const int64_t offset = int64_t(QDateTime::fromMSecsSinceEpoch(lo, zone).offsetFromUtc()) * 1000;
    maxTicks = std::max(maxTicks, 2);
    out.stepMinutes = tickStepsMinutes().back();
    for (const int64_t step : tickStepsMinutes())
        if ((hi - lo) / (step * kMinute) + 1 <= maxTicks) {
            out.stepMinutes = step;
            break;
        }
    const int64_t stepMs = out.stepMinutes * kMinute;
    QString format = QStringLiteral("HH:mm");
    if (out.stepMinutes >= 1440)
        format = QStringLiteral("MM-dd");
    else if (hi - lo > 20 * 60 * kMinute)
        format = QStringLiteral("MM-dd HH:mm");
    for (int64_t t = ceilDiv(lo + offset, stepMs) * stepMs - offset; t <= hi; t += stepMs) {
        const QString label = QDateTime::fromMSecsSinceEpoch(t, zone).toString(format);
        if (out.labels.contains(label)) continue; // a repeated hour at a daylight-saving change
        out.ms.append(t);
        out.labels.append(label);
    }
    return out;
}

} // namespace adclick::ui
