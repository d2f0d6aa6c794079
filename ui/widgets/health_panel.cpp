#include "ui/widgets/health_panel.h"

#include "ui/models/cluster_chain_model.h"
#include "ui/models/partition_lag_model.h"
#include "ui/models/time_format.h"
#include "ui/widgets/kafka_trend_chart.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace adclick::ui {

namespace {

const char* kBad = "color: #c0392b; font-weight: bold;";
const char* kGood = "color: #1e8449;";
const char* kWarn = "color: #b9770e;";

} // namespace

HealthPanel::HealthPanel(QWidget* parent)
    : QWidget(parent)
    , m_partitions(new PartitionLagModel(this))
    , m_partitionProxy(new QSortFilterProxyModel(this))
    , m_chains(new ClusterChainModel(this))
    , m_chainProxy(new QSortFilterProxyModel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_alarm = new QLabel(this);
    m_alarm->setObjectName(QStringLiteral("healthAlarm"));
    m_alarm->setWordWrap(true);
    m_alarm->setStyleSheet(
        QStringLiteral("background: #fdecea; color: #922b21; padding: 4px; border-radius: 3px;"));
    m_alarm->hide();
    layout->addWidget(m_alarm);

    auto* grid = new QGridLayout();
    grid->setHorizontalSpacing(12);
    int row = 0;
    addFigure(grid, row++, 0, QStringLiteral("state"), tr("Ingest"));
    addFigure(grid, row++, 0, QStringLiteral("rate"), tr("Events/s"));
    addFigure(grid, row++, 0, QStringLiteral("lines"), tr("Lines"));
    addFigure(grid, row++, 0, QStringLiteral("accepted"), tr("Accepted"));
    addFigure(grid, row++, 0, QStringLiteral("duplicates"), tr("Duplicates"));
    addFigure(grid, row++, 0, QStringLiteral("late"), tr("Late"));
    addFigure(grid, row++, 0, QStringLiteral("rejected"), tr("Rejected"));
    addFigure(grid, row++, 0, QStringLiteral("watermark"), tr("Watermark"));
    addFigure(grid, row++, 0, QStringLiteral("delay"), tr("Behind wall time"));
    addFigure(grid, row++, 0, QStringLiteral("newest"), tr("Newest event"));
    addFigure(grid, row++, 0, QStringLiteral("broker"), tr("Kafka"));
    addFigure(grid, row++, 0, QStringLiteral("kafkaSource"), tr("Topic / group"));
    addFigure(grid, row++, 0, QStringLiteral("kafkaErrors"), tr("Client errors"));
    addFigure(grid, row++, 0, QStringLiteral("gap"), tr("Data gap"));
    addFigure(grid, row++, 0, QStringLiteral("cluster"), tr("Cluster store"));
    addFigure(grid, row++, 0, QStringLiteral("query"), tr("Snapshot query"));
    addFigure(grid, row++, 0, QStringLiteral("stall"), tr("GUI stall (10 s)"));
    grid->setColumnStretch(1, 1);
    grid->setVerticalSpacing(4);
    layout->addLayout(grid);
    // Times and the stall figure wrap at their spaces in a narrow dock (150 %) instead of losing
    // their middle ("2021-01-…8:23 UTC"); their words are short, so the dock keeps its width.
    for (const char* name : { "watermark", "newest", "delay", "stall", "cluster" })
        m_figures[QLatin1String(name)]->setWordWrap(true);
    m_figures[QStringLiteral("watermark")]->setToolTip(
        tr("Panes before the watermark are final: their counts no longer change (late events are counted "
           "separately)."));
    m_figures[QStringLiteral("stall")]->setToolTip(
        tr("The longest the window's event loop was blocked (and its 99th percentile)"));

    m_trend = new KafkaTrendChart(this);
    layout->addWidget(m_trend);
    m_trend->hide();

    // Which table is which, in a cluster store: the aggregate topic's partitions, then the input's.
    m_partitionCaption = addCaption(layout, tr("Aggregate topic: units this store has not read yet"));
    m_partitionView = addTable(layout, m_partitionProxy, m_partitions, QStringLiteral("partitionView"),
        PartitionLagModel::PartitionColumn);
    m_chainCaption = addCaption(layout, tr("Input partitions: offsets whose units this store applied"));
    m_chainView = addTable(
        layout, m_chainProxy, m_chains, QStringLiteral("chainView"), ClusterChainModel::PartitionColumn);
    layout->addStretch(0);
}

QLabel* HealthPanel::addCaption(QVBoxLayout* layout, const QString& text)
{
    auto* caption = new QLabel(text, this);
    caption->setWordWrap(true);
    caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(caption);
    caption->hide();
    return caption;
}

QTableView* HealthPanel::addTable(QVBoxLayout* layout, QSortFilterProxyModel* proxy,
    QAbstractItemModel* model, const QString& name, int sortColumn)
{
    proxy->setSourceModel(model);
    proxy->setSortRole(kSortRole);
    auto* view = new QTableView(this);
    view->setObjectName(name);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, Qt::AscendingOrder);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->setSelectionMode(QAbstractItemView::NoSelection);
    view->setAlternatingRowColors(true);
    layout->addWidget(view, 1);
    view->hide();
    return view;
}

QLabel* HealthPanel::addFigure(
    QGridLayout* grid, int row, int column, const QString& name, const QString& title)
{
    auto* caption = new QLabel(title + QLatin1Char(':'), this);
    caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto* value = new QLabel(QStringLiteral("—"), this);
    value->setObjectName(name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(caption, row, column);
    grid->addWidget(value, row, column + 1);
    m_figures[name] = value;
    return value;
}

QString HealthPanel::figure(const QString& name) const
{
    const QLabel* l = m_figures.value(name);
    return l ? l->text() : QString();
}

void HealthPanel::setUtc(bool utc)
{
    m_utc = utc;
    m_partitions->setUtc(utc);
    m_chains->setUtc(utc);
    setSnapshot(m_snapshot);
}

void HealthPanel::setStall(double maxMs, double p99Ms)
{
    QLabel* l = m_figures[QStringLiteral("stall")];
    l->setText(tr("max %1 ms, p99 %2 ms").arg(maxMs, 0, 'f', 0).arg(p99Ms, 0, 'f', 0));
    l->setStyleSheet(QLatin1String(maxMs >= 50 ? kWarn : ""));
}

void HealthPanel::updateCounters(const core::Counters& c)
{
    const QLocale l;
    m_figures[QStringLiteral("lines")]->setText(l.toString(qlonglong(c.lines)));
    m_figures[QStringLiteral("accepted")]->setText(l.toString(qlonglong(c.accepted)));
    m_figures[QStringLiteral("duplicates")]->setText(l.toString(qlonglong(c.duplicates)));
    m_figures[QStringLiteral("late")]->setText(c.lateApplied > 0
            ? tr("%1 (%2 applied)").arg(l.toString(qlonglong(c.late)), l.toString(qlonglong(c.lateApplied)))
            : l.toString(qlonglong(c.late)));
    m_figures[QStringLiteral("rejected")]->setText(l.toString(qlonglong(c.rejected)));
}

void HealthPanel::setIngestStatus(const IngestStatus& status, bool sourcePaused)
{
    m_ingest = status;
    m_sourcePaused = sourcePaused && status.state == IngestStatus::State::Cancelled;
    updateState();
    if (status.hasProgress && status.active()) {
        updateCounters(status.progress.totals);
        m_figures[QStringLiteral("rate")]->setText(formatCount(status.linesPerSecond));
    }
}

void HealthPanel::updateState()
{
    QLabel* state = m_figures[QStringLiteral("state")];
    const IngestStatus& s = m_ingest;
    QString text = ingestStateName(s.state);
    if (s.state == IngestStatus::State::Idle) text = tr("no ingest");
    if (m_sourcePaused) text = tr("paused");
    state->setText(text);
    state->setToolTip(s.message);
    switch (s.state) {
    case IngestStatus::State::Failed:
        state->setStyleSheet(QLatin1String(kBad));
        break;
    case IngestStatus::State::Running:
        state->setStyleSheet(QLatin1String(kGood));
        break;
    default:
        state->setStyleSheet(QString());
    }
}

void HealthPanel::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    if (!snapshot) return;
    const DashboardSnapshot& s = *snapshot;
    // While our ingest reports progress its counters are fresher (they include the open batch).
    if (!(m_ingest.active() && m_ingest.hasProgress)) updateCounters(s.counters);
    updateRate(s);
    updateTimes(s);
    QStringList alarms = updateKafka(s.kafka);
    if (m_ingest.state == IngestStatus::State::Failed)
        alarms.prepend(tr("Ingest failed: %1").arg(m_ingest.message));
    m_alarm->setText(alarms.join(QLatin1Char('\n')));
    m_alarm->setVisible(!alarms.isEmpty());
    m_partitions->setSnapshot(snapshot);
    m_partitionView->setVisible(!s.kafka.empty());
    updateKafkaSource(s.kafka);
    updateChains(s);
    sampleTrend(s);
}

void HealthPanel::updateChains(const DashboardSnapshot& s)
{
    m_chains->setSnapshot(m_snapshot);
    const QString summary = ClusterChainModel::summary(s.chains);
    m_figures[QStringLiteral("cluster")]->setText(summary.isEmpty() ? QStringLiteral("—") : summary);
    m_chainView->setVisible(!s.chains.empty());
    m_chainCaption->setVisible(!s.chains.empty());
    m_partitionCaption->setVisible(!s.chains.empty() && !s.kafka.empty());
}

void HealthPanel::updateKafkaSource(const std::vector<core::KafkaHealth>& kafka)
{
    QStringList names;
    for (const core::KafkaHealth& h : kafka)
        names << (h.group.empty()
                ? QString::fromStdString(h.topic)
                : tr("%1 · group %2").arg(QString::fromStdString(h.topic), QString::fromStdString(h.group)));
    names.removeDuplicates();
    m_figures[QStringLiteral("kafkaSource")]->setText(
        names.isEmpty() ? QStringLiteral("—") : names.join(", "));
}

void HealthPanel::sampleTrend(const DashboardSnapshot& s)
{
    const QString key = s.databasePath + QLatin1Char('|')
        + (s.kafka.empty() ? QString() : QString::fromStdString(s.kafka.front().source));
    if (key != m_trendKey) {
        m_trendKey = key;
        m_trend->clear();
    }
    m_trend->setVisible(!s.kafka.empty());
    if (s.kafka.empty()) return;
    int64_t lag = 0;
    for (const core::KafkaHealth& h : s.kafka)
        lag = lag < 0 || h.lagMessages() < 0 ? -1 : lag + h.lagMessages();
    const bool running = m_ingest.active() && m_ingest.hasProgress;
    m_trend->add({ QDateTime::currentMSecsSinceEpoch(), running ? m_ingest.linesPerSecond : 0.0, lag });
}

void HealthPanel::updateRate(const DashboardSnapshot& s)
{
    // Events/s: the ingest's own figure, or the growth of the stored counters.
    if (m_rateLines >= 0 && s.wallMs - m_rateWallMs >= 500) {
        const double r = double(s.counters.lines - m_rateLines) * 1000.0 / double(s.wallMs - m_rateWallMs);
        m_storeRate = m_storeRate == 0 ? r : 0.5 * m_storeRate + 0.5 * r;
    }
    if (m_rateLines < 0 || s.wallMs - m_rateWallMs >= 500) {
        m_rateLines = s.counters.lines;
        m_rateWallMs = s.wallMs;
    }
    if (!(m_ingest.hasProgress && m_ingest.active()))
        m_figures[QStringLiteral("rate")]->setText(
            m_ingest.active() ? formatCount(std::max(0.0, m_storeRate)) : QStringLiteral("—"));
}

void HealthPanel::updateTimes(const DashboardSnapshot& s)
{
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    QLabel* wm = m_figures[QStringLiteral("watermark")];
    QLabel* delay = m_figures[QStringLiteral("delay")];
    if (s.watermarkMs == kNoTime) {
        wm->setText(QStringLiteral("—"));
        delay->setText(QStringLiteral("—"));
    } else {
        wm->setText(formatTime(s.watermarkMs, m_utc));
        const int64_t behind = now - s.watermarkMs;
        // Behind wall time matters for live sources only; an archive is as old as it is.
        if (m_ingest.live && m_ingest.active()) {
            delay->setText(formatDuration(behind));
            delay->setStyleSheet(QLatin1String(behind > 5 * 60'000 ? kBad : behind > 60'000 ? kWarn : ""));
        } else {
            delay->setText(tr("— (not live)"));
            delay->setToolTip(formatDuration(behind));
            delay->setStyleSheet(QString());
        }
    }
    m_figures[QStringLiteral("newest")]->setText(
        s.maxEventMs == kNoTime ? QStringLiteral("—") : formatTime(s.maxEventMs, m_utc));
    m_figures[QStringLiteral("query")]->setText(tr("%1 ms").arg(s.queryMs, 0, 'f', 0));
}

QStringList HealthPanel::updateKafka(const std::vector<core::KafkaHealth>& kafka)
{
    QStringList alarms;
    QString broker = QStringLiteral("—"), errors = QStringLiteral("—"), gap = tr("none");
    if (!kafka.empty()) {
        QStringList states, lags;
        int64_t transient = 0;
        QString lastError;
        const int64_t now = QDateTime::currentMSecsSinceEpoch();
        for (const core::KafkaHealth& h : kafka) {
            states << QString::fromStdString(h.brokerState);
            transient += h.transientErrors;
            lags << PartitionLagModel::lagSummary(h, now);
            if (!h.lastError.empty()) lastError = QString::fromStdString(h.lastError);
            if (!h.gap.empty()) {
                gap = QString::fromStdString(h.gap);
                alarms << tr("Data gap on %1: %2").arg(QString::fromStdString(h.source), gap);
            }
            if (h.brokerState != "connected")
                alarms << tr("Kafka %1: %2")
                              .arg(QString::fromStdString(h.source), QString::fromStdString(h.brokerState));
        }
        states.removeDuplicates();
        broker = states.join(QStringLiteral(", ")) + QStringLiteral(" · ") + lags.join(QStringLiteral(", "));
        errors = QString::number(transient);
        m_figures[QStringLiteral("kafkaErrors")]->setToolTip(lastError);
    }
    m_figures[QStringLiteral("broker")]->setText(broker);
    m_figures[QStringLiteral("broker")]->setStyleSheet(QLatin1String(kafka.empty() ? ""
            : !broker.startsWith(QLatin1String("connected"))                       ? kBad
            : broker.contains(tr("lag unknown"))                                   ? kWarn
                                                                                   : ""));
    m_figures[QStringLiteral("kafkaErrors")]->setText(errors);
    m_figures[QStringLiteral("gap")]->setText(gap);
    m_figures[QStringLiteral("gap")]->setStyleSheet(QLatin1String(gap != tr("none") ? kBad : ""));
    return alarms;
}

} // namespace adclick::ui
