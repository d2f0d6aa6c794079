#include "ui/widgets/ingest_status_bar.h"

#include "ui/models/status_text.h"

#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

namespace adclick::ui {

namespace {

constexpr int kFinishedMessageMs = 10'000;
constexpr int kProgressLingersMs = 5000;

} // namespace

IngestStatusBar::IngestStatusBar(QStatusBar* bar)
    : QObject(bar)
    , m_bar(bar)
{
    m_text = new QLabel(bar);
    m_text->setObjectName(QStringLiteral("statusText"));
    m_progress = new QProgressBar(bar);
    m_progress->setObjectName(QStringLiteral("ingestProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_rate = new QLabel(bar);
    m_rate->setObjectName(QStringLiteral("rateLabel"));
    m_cancel = new QPushButton(tr("Cancel"), bar);
    m_cancel->setObjectName(QStringLiteral("cancelIngest"));
    m_cancel->setToolTip(tr("Stop the ingest; what was read is committed, and opening the same files again "
                            "continues there"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &IngestStatusBar::cancelRequested);
    m_stall = new QLabel(bar);
    m_database = new QLabel(bar);
    m_database->setObjectName(QStringLiteral("databaseLabel"));
    bar->addWidget(m_text);
    bar->addWidget(m_progress);
    bar->addWidget(m_rate);
    bar->addWidget(m_cancel);
    bar->addPermanentWidget(m_stall);
    bar->addPermanentWidget(m_database);
}

void IngestStatusBar::setStatus(const IngestStatus& status, bool sourcePaused, bool hasDatabase)
{
    const bool archive = !status.live && status.totalBytes > 0;
    m_active = status.active();
    m_progress->setVisible(archive && (m_active || status.state == IngestStatus::State::Finished));
    m_cancel->setVisible(m_active && !status.live);
    if (status.fraction >= 0) {
        m_progress->setValue(int(status.fraction * 1000));
        m_progress->setFormat(QStringLiteral("%1%").arg(status.fraction * 100, 0, 'f', 1));
    }
    m_rate->setText(ingestRateText(status, sourcePaused));
    m_text->setText(ingestStateText(status, sourcePaused, hasDatabase));
}

void IngestStatusBar::setFinished(const IngestStatus& status)
{
    if (status.state != IngestStatus::State::Finished || status.live) return;
    m_bar->showMessage(ingestFinishedText(status), kFinishedMessageMs);
    QTimer::singleShot(kProgressLingersMs, m_progress, [this] {
        if (!m_active) m_progress->hide();
    });
}

void IngestStatusBar::setText(const QString& text)
{
    m_text->setText(text);
}

void IngestStatusBar::setStall(double maxMs)
{
    m_stall->setText(tr("GUI stall %1 ms").arg(maxMs, 0, 'f', 0));
}

void IngestStatusBar::setDatabase(const QString& path)
{
    m_database->setText(QFileInfo(path).fileName());
    m_database->setToolTip(path);
}

} // namespace adclick::ui
