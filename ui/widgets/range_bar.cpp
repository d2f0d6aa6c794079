#include "ui/widgets/range_bar.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/models/time_format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QToolTip>

#include <numeric>

namespace adclick::ui {

namespace {

constexpr int kLiveIndex = 0, kAnalysisIndex = 1;

QLineEdit* makeTimeField(const QString& name, QWidget* parent)
{
    auto* e = new QLineEdit(parent);
    e->setObjectName(name);
    e->setPlaceholderText(QStringLiteral("yyyy-MM-dd HH:mm"));
    e->setToolTip(
        RangeBar::tr("A date (2021-01-01), a date and time (2021-01-01 10:30, 2021-01-01T10:30:00), "
                     "optionally with Z or an offset (+01:00). Without one: the zone shown "
                     "on the bar. Enter applies."));
    // As wide as a time with seconds (a toolbar would stretch it over the bar).
    e->setFixedWidth(e->fontMetrics().horizontalAdvance(QStringLiteral("2021-01-01 10:30:00")) + 16);
    return e;
}

int64_t quickMinutes(RangeBar::Quick quick)
{
    switch (quick) {
    case RangeBar::Quick::Last15Min:
        return 15;
    case RangeBar::Quick::LastHour:
        return 60;
    case RangeBar::Quick::Last6Hours:
        return 6 * 60;
    case RangeBar::Quick::Last24Hours:
        return 24 * 60;
    case RangeBar::Quick::Whole:
        break;
    }
    return 0;
}

} // namespace

RangeBar::RangeBar(DashboardController* controller, QWidget* parent)
    : QToolBar(tr("Time range"), parent)
    , m_controller(controller)
{
    setObjectName(QStringLiteral("rangeToolBar"));
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("modeCombo"));
    m_mode->addItem(tr("Live"));
    m_mode->addItem(tr("Analysis"));
    m_mode->setItemData(kLiveIndex, tr("Live: the charts follow the newest data"), Qt::ToolTipRole);
    m_mode->setItemData(kAnalysisIndex, tr("Analysis: a chosen range"), Qt::ToolTipRole);
    m_mode->setToolTip(tr("Live: the charts follow the newest data. Analysis: a chosen range."));
    addWidget(m_mode);
    createLiveControls();
    createQuickButtons();
    m_zone = new QLabel(this);
    m_zone->setObjectName(QStringLiteral("zoneLabel"));
    m_zone->setToolTip(tr("The zone every time is shown and typed in (View ▸ UTC time switches)"));
    addWidget(m_zone);
    createRangeControls();
    updateZoneLabel();
    connect(m_mode, &QComboBox::currentIndexChanged, this,
        [this](int index) { setLiveMode(index == kLiveIndex); });
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

void RangeBar::createQuickButtons()
{
    // Relative to the newest data (not the wall clock): an archive's last hour is its own.
    const std::pair<Quick, QString> quick[] = { { Quick::Last15Min, tr("15 min") },
        { Quick::LastHour, tr("1 h") }, { Quick::Last6Hours, tr("6 h") }, { Quick::Last24Hours, tr("24 h") },
        { Quick::Whole, tr("All") } };
    for (const auto& [q, text] : quick) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setObjectName(QStringLiteral("quick%1").arg(q == Quick::Whole ? 0 : quickMinutes(q)));
        b->setToolTip(q == Quick::Whole ? tr("The whole archive: every minute the database holds")
                                        : tr("The last %1 up to the newest data (analysis)").arg(text));
        b->setAutoRaise(true);
        addWidget(b);
        connect(b, &QToolButton::clicked, this, [this, q = q] { applyQuick(q); });
    }
}

void RangeBar::createRangeControls()
{
    m_from = makeTimeField(QStringLiteral("rangeFrom"), this);
    m_to = makeTimeField(QStringLiteral("rangeTo"), this);
    m_at = makeTimeField(QStringLiteral("rangeAt"), this);
    m_atLatest = new QCheckBox(tr("newest final minute"), this);
    m_atLatest->setObjectName(QStringLiteral("atLatest"));
    m_atLatest->setChecked(true);
    m_at->setEnabled(false);
    connect(m_atLatest, &QCheckBox::toggled, m_at, [this](bool latest) { m_at->setEnabled(!latest); });
    auto* apply = new QPushButton(tr("Apply"), this);
    apply->setObjectName(QStringLiteral("applyRange"));
    m_total = new QLabel(this);
    m_total->setObjectName(QStringLiteral("rangeTotal"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("rangeError"));
    m_error->setStyleSheet(QStringLiteral("color: #c0392b; font-weight: bold;"));
    m_rangeActions << addWidget(new QLabel(tr(" from "), this)) << addWidget(m_from)
                   << addWidget(new QLabel(tr(" to "), this)) << addWidget(m_to)
                   << addWidget(new QLabel(tr("  top-N as of "), this)) << addWidget(m_at)
                   << addWidget(m_atLatest) << addWidget(apply) << addWidget(m_error) << addWidget(m_total);
    connect(apply, &QPushButton::clicked, this, &RangeBar::applyRange);
    for (QLineEdit* e : { m_from, m_to, m_at }) {
        connect(e, &QLineEdit::returnPressed, this, &RangeBar::applyRange);
        // Typing shows at once whether the text parses (applied only by Enter or Apply).
        connect(e, &QLineEdit::textEdited, this, [this, e](const QString& text) {
            markField(e, !parseTimeInput(text, m_utc));
            if (!m_error->text().isEmpty() && parseTimeInput(text, m_utc)) showError({});
        });
    }
}

bool RangeBar::hasData() const
{
    return m_snapshot && m_snapshot->dataEndMinute > m_snapshot->dataFirstMinute;
}

void RangeBar::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    updateTotal();
    if (!hasData()) return;
    const DashboardSnapshot& s = *snapshot;
    updateZoneLabel();
    if (!m_at->isModified()) setField(m_at, s.atMs ? *s.atMs : s.dataEndMinute * kMinuteMs);
    if (!m_wholeRange) return;
    // The default range is all the data, up to the end of its newest minute (included, as
    // `adclick count --to` that end counts it); it grows with the data until the user picks one.
    const int64_t from = s.dataFirstMinute * kMinuteMs, to = s.dataEndMinute * kMinuteMs;
    if (m_mode->currentIndex() == kAnalysisIndex) {
        if ((from != m_fromMs || to != m_toMs) && !m_from->isModified() && !m_to->isModified())
            applyTimes(from, to);
    } else {
        if (!m_from->isModified()) setField(m_from, from);
        if (!m_to->isModified()) setField(m_to, to);
    }
}

void RangeBar::resetForSource()
{
    m_wholeRange = true;
    m_snapshot.reset();
    for (QLineEdit* e : { m_from, m_to, m_at }) {
        e->clear();
        markField(e, false);
    }
    m_fromMs = m_toMs = m_atMs = 0;
    showError({});
    m_total->clear();
    const QSignalBlocker block(m_mode);
    m_mode->setCurrentIndex(kLiveIndex);
    setLiveMode(true);
}

void RangeBar::setUtc(bool utc)
{
    m_utc = utc;
    // The fields show the same instants in the other zone (a text being typed stays as it is).
    const std::pair<QLineEdit*, int64_t> fields[]
        = { { m_from, m_fromMs }, { m_to, m_toMs }, { m_at, m_atMs } };
    for (const auto& [e, ms] : fields)
        if (!e->isModified() && !e->text().isEmpty()) setField(e, ms);
    updateZoneLabel();
}

void RangeBar::updateZoneLabel()
{
    const int64_t at = m_snapshot && m_snapshot->maxEventMs != kNoTime ? m_snapshot->maxEventMs
                                                                       : QDateTime::currentMSecsSinceEpoch();
    m_zone->setText(QStringLiteral("  ") + zoneLabel(m_utc, at) + QStringLiteral("  "));
}

void RangeBar::updateTotal()
{
    // The clicks the charts' range holds (the total chart's sum), to compare with `adclick count`.
    const SnapshotPtr& s = m_snapshot;
    if (!s || !s->error.isEmpty() || s->params.followRange || s->endMinute <= s->firstMinute) {
        m_total->clear();
        return;
    }
    const int64_t sum = std::accumulate(s->total.values.begin(), s->total.values.end(), int64_t(0));
    m_total->setText(tr("  Σ %1 clicks").arg(QLocale().toString(qlonglong(sum))));
    m_total->setToolTip(tr("Clicks from %1 to %2 (%3), as the total chart shows them")
                            .arg(formatFieldTime(s->firstMinute * kMinuteMs, m_utc),
                                formatFieldTime(s->endMinute * kMinuteMs, m_utc),
                                zoneLabel(m_utc, s->firstMinute * kMinuteMs)));
}

void RangeBar::setIncludeOpen(bool include)
{
    m_includeOpen = include;
    if (m_mode->currentIndex() == kLiveIndex) m_controller->setWindowEnd(liveWindowEnd());
}

WindowEnd RangeBar::liveWindowEnd() const
{
    return m_controller->source().isLive() && m_includeOpen ? WindowEnd::IncludeOpen : WindowEnd::FinalPanes;
}

void RangeBar::setAnalysisMode(bool analysis)
{
    m_mode->setCurrentIndex(analysis ? kAnalysisIndex : kLiveIndex);
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

void RangeBar::applyQuick(Quick quick)
{
    if (!hasData()) {
        showError(tr("No data yet"));
        return;
    }
    const int64_t end = m_snapshot->dataEndMinute * kMinuteMs;
    const int64_t from = quick == Quick::Whole ? m_snapshot->dataFirstMinute * kMinuteMs
                                               : end - quickMinutes(quick) * kMinuteMs;
    setField(m_from, from);
    setField(m_to, end);
    if (m_mode->currentIndex() == kLiveIndex)
        setAnalysisMode(true); // applies the fields
    else
        applyRange();
}

std::optional<int64_t> RangeBar::readField(QLineEdit* field, const QString& name)
{
    const std::optional<int64_t> ms = parseTimeInput(field->text(), m_utc);
    markField(field, !ms);
    if (!ms) {
        showError(tr("'%1' is not a time for '%2': type e.g. 2021-01-01, 2021-01-01 10:30 or "
                     "2021-01-01T10:30:00Z")
                      .arg(field->text(), name));
        // Also at the field: on a narrow window the bar's end (the message) may be folded away.
        if (field->isVisible())
            QToolTip::showText(field->mapToGlobal(QPoint(0, field->height())), errorText(), field);
    }
    return ms;
}

void RangeBar::applyRange()
{
    if (m_from->text().isEmpty() && m_to->text().isEmpty()) return; // no data yet: nothing to apply
    const std::optional<int64_t> from = readField(m_from, tr("from"));
    if (!from) return;
    const std::optional<int64_t> to = readField(m_to, tr("to"));
    if (!to) return;
    std::optional<int64_t> at;
    if (!m_atLatest->isChecked() && !(at = readField(m_at, tr("top-N as of")))) return;
    if (*from >= *to) {
        markField(m_to, true);
        showError(tr("The range is empty: 'from' must be before 'to'"));
        return;
    }
    showError({});
    m_wholeRange = hasData() && *from == m_snapshot->dataFirstMinute * kMinuteMs
        && *to == m_snapshot->dataEndMinute * kMinuteMs;
    if (at) {
        m_atMs = *at;
        setField(m_at, *at);
        m_controller->setWindowEnd(WindowEnd::Explicit, *at);
    } else {
        m_controller->setWindowEnd(WindowEnd::FinalPanes);
    }
    applyTimes(*from, *to);
}

void RangeBar::applyTimes(int64_t fromMs, int64_t toMs)
{
    setField(m_from, fromMs);
    setField(m_to, toMs);
    m_controller->setRange(fromMs, toMs);
}

void RangeBar::setField(QLineEdit* field, int64_t ms)
{
    (field == m_from ? m_fromMs : field == m_to ? m_toMs : m_atMs) = ms;
    field->setText(formatFieldTime(ms, m_utc)); // also clears isModified()
    markField(field, false);
}

void RangeBar::markField(QLineEdit* field, bool bad)
{
    if (field->property("invalid").toBool() == bad) return;
    field->setProperty("invalid", bad);
    field->setStyleSheet(bad ? QStringLiteral("QLineEdit { border: 2px solid #c0392b; }") : QString());
}

void RangeBar::showError(const QString& message)
{
    m_error->setText(message.isEmpty() ? QString() : QStringLiteral("  ") + message);
    m_error->setToolTip(message);
}

QString RangeBar::errorText() const
{
    return m_error->toolTip();
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
