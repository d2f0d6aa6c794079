#include "ui/dashboard/dashboard_types.h"

#include "core/pipeline/filter_expr.h"

#include <QObject>

namespace adclick::ui {

namespace {

QString quoted(const QString& v)
{
    QString out = v;
    out.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

} // namespace

QString FilterState::expression(bool withCountries) const
{
    QStringList parts;
    if (!saved.isEmpty()) parts << QLatin1Char('@') + saved;
    if (withCountries && !countries.isEmpty()) {
        QStringList sorted = countries;
        sorted.sort();
        parts << QStringLiteral("country in (%1)").arg(sorted.join(QLatin1Char(',')));
    }
    if (!ip.trimmed().isEmpty()) parts << QStringLiteral("ip=") + quoted(ip.trimmed());
    if (!userId.isEmpty()) parts << QStringLiteral("user_id=") + quoted(userId);
    return parts.join(QStringLiteral(" and "));
}

bool isIpOrNetwork(const QString& text)
{
    return core::IpNet::parse(text.toStdString()).has_value();
}

QString ingestStateName(IngestStatus::State state)
{
    switch (state) {
    case IngestStatus::State::Idle:
        return QObject::tr("idle");
    case IngestStatus::State::Opening:
        return QObject::tr("opening");
    case IngestStatus::State::Running:
        return QObject::tr("running");
    case IngestStatus::State::Stopping:
        return QObject::tr("stopping");
    case IngestStatus::State::Finished:
        return QObject::tr("finished");
    case IngestStatus::State::Cancelled:
        return QObject::tr("stopped");
    case IngestStatus::State::Failed:
        return QObject::tr("failed");
    }
    return {};
}

} // namespace adclick::ui
