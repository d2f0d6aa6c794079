#include "ui/widgets/range_bar.h"

#include "ui/dashboard/dashboard_controller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimeZone>

namespace adclick::ui {

namespace {

QDateTimeEdit* makeTimeEdit(QWidget* parent)
{
    auto* e = new QDateTimeEdit(parent);
    e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    e->setCalendarPopup(true);
    e->setTimeSpec(Qt::UTC);
    return e;
}

int64_t editMs(const QDateTimeEdit* e)
{
    return e->dateTime().toMSecsSinceEpoch();
}

void setEditMs(QDateTimeEdit* e, int64_t ms)
{
    e->setDateTime(QDateTime::fromMSecsSinceEpoch(
        ms, e->timeSpec() == Qt::UTC ? QTimeZone::utc() : QTimeZone::systemTimeZone()));
}

} // namespace

RangeBar::RangeBar(DashboardController* controller, QWidget* parent)
    : QToolBar(tr("Time range"), parent)
    , m_controller(controller)
{
    setObjectName(QStringLiteral("rangeToolBar"));
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("modeCombo"));
    m_mode->addItem(tr("Live: follow the newest data"));
    m_mode->addItem(tr("Analysis: a chosen range"));
    addWidget(m_mode);
    createLiveControls();
    createRangeControls();
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) { setLiveMode(index == 0); });
    for (QAction* a : m_rangeActions)
        a->setVisible(false);
}

void RangeBar::createLiveControls()
{
    m_chartMinutes = new QSpinBox(this);
    m_chartMinutes->setRange(5, 7 * 24 * 60);
    m_chartMinutes->setValue(m_controller->params().chartMinutes);
    m_chartMinutes->setPrefix(tr("charts: last "));
    m_chartMinutes->setSuffix(tr(" min"));
    m_chartMinutesAction = addWidget(m_chartMinutes);
    connect(m_chartMinutes, &QSpinBox::valueChanged, m_controller, &DashboardController::setChartMinutes);
}

void RangeBar::createRangeControls()
{
    m_from = makeTimeEdit(this);
    m_to = makeTimeEdit(this);
    m_at = makeTimeEdit(this);
    m_atLatest = new QCheckBox(tr("newest final minute"), this);
    m_atLatest->setChecked(true);
    m_at->setEnabled(false);
    connect(m_atLatest, &QCheckBox::toggled, m_at, [this](bool latest) { m_at->setEnabled(!latest); });
    m_rangeActions << addWidget(new QLabel(tr("  charts from "), this)) << addWidget(m_from)
                   << addWidget(new QLabel(tr(" to "), this)) << addWidget(m_to)
                   << addWidget(new QLabel(tr("   top-N as of "), this)) << addWidget(m_at)
                   << addWidget(m_atLatest);
    auto* apply = new QPushButton(tr("Apply"), this);
    auto* whole = new QPushButton(tr("All data"), this);
    whole->setToolTip(tr("The whole time range the database holds"));
    m_rangeActions << addWidget(apply) << addWidget(whole);
    connect(apply, &QPushButton::clicked, this, &RangeBar::applyRange);
    connect(whole, &QPushButton::clicked, this, &RangeBar::showAllData);
}

void RangeBar::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    if (!snapshot || m_rangeInitialised || snapshot->dataEndMinute <= snapshot->dataFirstMinute) return;
    const DashboardSnapshot& s = *snapshot;
    m_rangeInitialised = true;
    setEditMs(m_from, s.dataFirstMinute * kMinuteMs);
    setEditMs(m_to, s.dataEndMinute * kMinuteMs);
    setEditMs(m_at, s.atMs ? *s.atMs : s.dataEndMinute * kMinuteMs);
}

void RangeBar::resetForSource()
{
    m_rangeInitialised = false;
    m_snapshot.reset();
    const QSignalBlocker block(m_mode);
    m_mode->setCurrentIndex(0);
    setLiveMode(true);
}

void RangeBar::setUtc(bool utc)
{
    for (QDateTimeEdit* e : { m_from, m_to, m_at }) {
        const int64_t ms = editMs(e);
        e->setTimeSpec(utc ? Qt::UTC : Qt::LocalTime);
        setEditMs(e, ms);
    }
}

void RangeBar::setIncludeOpen(bool include)
{
    m_includeOpen = include;
    if (m_mode->currentIndex() == 0) m_controller->setWindowEnd(liveWindowEnd());
}

WindowEnd RangeBar::liveWindowEnd() const
{
    return m_controller->source().isLive() && m_includeOpen ? WindowEnd::IncludeOpen : WindowEnd::FinalPanes;
}

void RangeBar::setLiveMode(bool live)
{
    for (QAction* a : m_rangeActions)
        a->setVisible(!live);
    m_chartMinutesAction->setVisible(live);
    if (live) {
        m_controller->setFollowRange(true);
        m_controller->setWindowEnd(liveWindowEnd());
    } else {
        applyRange();
    }
}

void RangeBar::applyRange()
{
    const int64_t from = editMs(m_from), to = editMs(m_to);
    if (from >= to) {
        emit error(tr("The range is empty: 'from' must be before 'to'"));
        return;
    }
    m_controller->setRange(from, to);
    if (m_atLatest->isChecked())
        m_controller->setWindowEnd(WindowEnd::FinalPanes);
    else
        m_controller->setWindowEnd(WindowEnd::Explicit, editMs(m_at));
}

void RangeBar::showAllData()
{
    if (!m_snapshot || m_snapshot->dataEndMinute <= m_snapshot->dataFirstMinute) return;
    setEditMs(m_from, m_snapshot->dataFirstMinute * kMinuteMs);
    setEditMs(m_to, m_snapshot->dataEndMinute * kMinuteMs);
    applyRange();
}

void RangeBar::loadSettings(const QSettings& s)
{
    m_chartMinutes->setValue(s.value(QStringLiteral("view/chartMinutes"), 30).toInt());
}

void RangeBar::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("view/chartMinutes"), m_chartMinutes->value());
}

} // namespace adclick::ui
