#include "ui/dashboard/source_spec.h"

#include "core/input/decoders.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace adclick::ui {

bool SourceSpec::isValid() const
{
    switch (kind) {
    case Kind::None:
        return false;
    case Kind::Archive:
    case Kind::Follow:
        return !paths.isEmpty();
    case Kind::Kafka:
        return kafkaUri.startsWith(QLatin1String("kafka://"));
    }
    return false;
}

QString SourceSpec::displayName() const
{
    switch (kind) {
    case Kind::None:
        return QObject::tr("no source");
    case Kind::Archive:
        if (paths.size() == 1) return QFileInfo(paths.front()).fileName();
        return QObject::tr("%1 and %n more", nullptr, int(paths.size() - 1))
            .arg(QFileInfo(paths.front()).fileName());
    case Kind::Follow:
        return QObject::tr("following %1").arg(QFileInfo(paths.value(0)).fileName());
    case Kind::Kafka:
        return demo ? QObject::tr("demo stream (embedded Kafka)") : kafkaUri;
    }
    return {};
}

QString SourceSpec::identity() const
{
    QStringList parts;
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::Archive:
    case Kind::Follow:
        parts << (kind == Kind::Archive ? QStringLiteral("archive") : QStringLiteral("follow"));
        for (const QString& p : paths)
            parts << QFileInfo(p).absoluteFilePath();
        if (orderAny && kind == Kind::Archive) parts << QStringLiteral("order any");
        if (parser.format != core::LineFormat::Auto)
            parts << QStringLiteral("format ")
                    + QString::fromStdString(std::string(core::lineFormatName(parser.format)));
        if (!parser.map.empty())
            parts << QStringLiteral("map ") + QString::fromStdString(core::columnMapText(parser.map));
        if (!parser.time.isDefault())
            parts << QStringLiteral("time ") + QString::fromStdString(parser.time.spec());
        if (parser.delimiter != ',')
            parts << QStringLiteral("delimiter ")
                    + QString::fromStdString(core::delimiterName(parser.delimiter));
        break;
    case Kind::Kafka:
        parts << QStringLiteral("kafka") << kafkaUri;
        break;
    }
    return parts.join(QLatin1Char('\n'));
}

std::vector<std::string> SourceSpec::coreSources() const
{
    std::vector<std::string> out;
    if (kind == Kind::Kafka) {
        out.push_back(kafkaUri.toStdString());
        return out;
    }
    for (const QString& p : paths)
        out.push_back(QFile::encodeName(p).toStdString());
    return out;
}

SourceSpec SourceSpec::archive(const QStringList& paths)
{
    SourceSpec s;
    s.kind = Kind::Archive;
    s.paths = paths;
    return s;
}

SourceSpec SourceSpec::follow(const QString& path)
{
    SourceSpec s;
    s.kind = Kind::Follow;
    s.paths = QStringList { path };
    return s;
}

SourceSpec SourceSpec::kafka(const QString& uri, std::vector<std::pair<std::string, std::string>> props)
{
    SourceSpec s;
    s.kind = Kind::Kafka;
    s.kafkaUri = uri;
    s.kafkaProperties = std::move(props);
    return s;
}

QString defaultDatabaseFor(const SourceSpec& spec)
{
    const QString dir
        = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/databases");
    const QByteArray hash
        = QCryptographicHash::hash(spec.identity().toUtf8(), QCryptographicHash::Sha256).toHex().left(10);
    QString name;
    if (spec.kind == SourceSpec::Kind::Kafka)
        name = spec.kafkaUri.section(QLatin1Char('/'), 3, 3).section(QLatin1Char('?'), 0, 0);
    else
        name = QFileInfo(spec.paths.value(0)).completeBaseName();
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    if (name.isEmpty()) name = QStringLiteral("source");
    return dir + QLatin1Char('/') + name.left(40) + QLatin1Char('-') + QString::fromLatin1(hash)
        + QStringLiteral(".db");
}

namespace {

uint64_t estimateFile(const QString& path)
{
    return core::estimatedContentBytes(QFile::encodeName(path).toStdString());
}

} // namespace

uint64_t estimateArchiveBytes(const QStringList& paths)
{
    uint64_t total = 0;
    for (const QString& p : paths) {
        const QFileInfo info(p);
        if (info.isDir()) {
            QDirIterator it(p, QDir::Files | QDir::NoDotAndDotDot);
            while (it.hasNext())
                total += estimateFile(it.next());
        } else if (info.isFile()) {
            total += estimateFile(p);
        }
    }
    return total;
}

QString makeKafkaUri(const QString& servers, const QString& topic, const QString& group)
{
    QString uri = QStringLiteral("kafka://") + servers.trimmed() + QLatin1Char('/') + topic.trimmed();
    if (!group.trimmed().isEmpty()) uri += QStringLiteral("?group=") + group.trimmed();
    return uri;
}

} // namespace adclick::ui
