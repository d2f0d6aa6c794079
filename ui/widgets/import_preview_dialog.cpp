#include "ui/widgets/import_preview_dialog.h"

#include "ui/dashboard/job_tracker.h"
#include "ui/models/preview_text.h"
#include "ui/models/time_format.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

namespace adclick::ui {

namespace {

constexpr const char* kFields[] = { "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id" };

QTableWidget* table(QWidget* parent, const QStringList& headers, int rows)
{
    auto* t = new QTableWidget(rows, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QColor verdictColour(const core::SniffLine& line)
{
    switch (line.kind) {
    case core::LineKind::Rejected:
        return QColor(0xfd, 0xec, 0xea);
    case core::LineKind::Event:
        return line.late ? QColor(0xfe, 0xf5, 0xe7) : QColor();
    case core::LineKind::Header:
    case core::LineKind::Blank:
        return QColor(0xf2, 0xf3, 0xf4);
    }
    return {};
}

} // namespace

ImportPreviewDialog::ImportPreviewDialog(const ImportPreview& preview, bool utc, QWidget* parent)
    : QDialog(parent)
    , m_preview(preview)
    , m_utc(utc)
{
    setObjectName(QStringLiteral("importPreview"));
    m_pool.setMaxThreadCount(1);
    m_job = new JobTracker(&m_pool, this);
    m_typing = new QTimer(this);
    m_typing->setSingleShot(true);
    m_typing->setInterval(400);
    connect(m_typing, &QTimer::timeout, this, &ImportPreviewDialog::optionsChanged);
    const bool follow = preview.spec.kind == SourceSpec::Kind::Follow;
    setWindowTitle(follow ? tr("Follow %1 — preview").arg(QFileInfo(preview.spec.paths.value(0)).fileName())
                          : tr("Open %1 — preview").arg(preview.spec.displayName()));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createSummary());
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(split);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(createMapping(), 1);
    leftLayout->addWidget(createTimeSettings());
    split->addWidget(left);
    split->addWidget(createLines());
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    layout->addWidget(createOrderChoice());
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(follow ? tr("Follow") : tr("Read"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    showSniff();
    resize(1100, 720);
}

ImportPreviewDialog::~ImportPreviewDialog()
{
    m_job->reset(); // a sniff still running answers no one
    m_pool.waitForDone();
}

QWidget* ImportPreviewDialog::createSummary()
{
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    const auto add = [&](const QString& name, const QString& title) {
        auto* label = new QLabel(box);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setObjectName(QStringLiteral("preview_") + name);
        form->addRow(title, label);
        m_summary.insert(name, label);
    };
    add(QStringLiteral("file"), tr("File:"));
    add(QStringLiteral("format"), tr("Format:"));
    add(QStringLiteral("time"), tr("Times:"));
    add(QStringLiteral("order"), tr("Order:"));
    add(QStringLiteral("counts"), tr("Lines:"));
    add(QStringLiteral("notes"), tr("Notes:"));
    return box;
}

QComboBox* ImportPreviewDialog::createFieldCombo(std::size_t field, QWidget* parent)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(QStringLiteral("map_") + QLatin1String(kFields[field]));
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    const auto& mapped = m_preview.spec.parser.map.columns[field];
    combo->addItem(tr("automatic (by name)"));
    if (mapped) { // a map given before: offered even if the columns are not known yet
        if (mapped->empty())
            combo->addItem(tr("(none)"), QString());
        else
            combo->addItem(QString::fromStdString(*mapped), QString::fromStdString(*mapped));
        combo->setCurrentIndex(1);
    }
    connect(combo, &QComboBox::currentIndexChanged, this, &ImportPreviewDialog::optionsChanged);
    return combo;
}

QWidget* ImportPreviewDialog::createMapping()
{
    auto* box = new QGroupBox(tr("Fields read from"), this);
    auto* layout = new QVBoxLayout(box);
    m_mapping = table(box, { tr("Field"), tr("Read from"), tr("Map to") }, int(std::size(kFields)));
    m_mapping->setObjectName(QStringLiteral("previewMapping"));
    m_mapping->setToolTip(
        tr("Where each field is read from. A CSV header or JSON keys are matched by name (the field's "
           "own name or a common synonym, any case); choose a column or key to read a field from it, "
           "or (none) when the log has no such field. Only ad_id and click_timestamp are required."));
    for (std::size_t i = 0; i < std::size(kFields); ++i) {
        m_mapping->setItem(int(i), 0, new QTableWidgetItem(QLatin1String(kFields[i])));
        m_mapping->setItem(int(i), 1, new QTableWidgetItem());
        m_fieldCombos[i] = createFieldCombo(i, m_mapping);
        m_mapping->setCellWidget(int(i), 2, m_fieldCombos[i]);
    }
    layout->addWidget(m_mapping);
    auto* separator = new QFormLayout;
    m_delimiter = new QComboBox(box);
    m_delimiter->setObjectName(QStringLiteral("delimiter"));
    m_delimiter->addItem(tr("comma ,"), int(','));
    m_delimiter->addItem(tr("semicolon ;"), int(';'));
    m_delimiter->addItem(tr("tab"), int('\t'));
    m_delimiter->addItem(tr("vertical bar |"), int('|'));
    m_delimiter->setCurrentIndex(m_delimiter->findData(int(m_preview.spec.parser.delimiter)));
    m_delimiter->setToolTip(tr("What separates the fields of a CSV line. Another than a comma reads "
                               "every line as CSV (not the book format or JSON lines)."));
    connect(m_delimiter, &QComboBox::currentIndexChanged, this, &ImportPreviewDialog::optionsChanged);
    separator->addRow(tr("Fields separated by:"), m_delimiter);
    layout->addLayout(separator);
    m_ignored = new QLabel(box);
    m_ignored->setWordWrap(true);
    layout->addWidget(m_ignored);
    return box;
}

QWidget* ImportPreviewDialog::createTimeSettings()
{
    auto* box = new QGroupBox(tr("Time stamps"), this);
    auto* form = new QFormLayout(box);
    const core::TimeFormat& time = m_preview.spec.parser.time;
    m_timeFormat = new QComboBox(box);
    m_timeFormat->setObjectName(QStringLiteral("timeFormat"));
    m_timeFormat->setEditable(true);
    m_timeFormat->setInsertPolicy(QComboBox::NoInsert);
    m_timeFormat->addItems({ QStringLiteral("auto"), QStringLiteral("iso"), QStringLiteral("epoch-s"),
        QStringLiteral("epoch-ms"), QStringLiteral("epoch-us"), QStringLiteral("epoch-ns") });
    m_timeFormat->setCurrentText(QString::fromStdString(time.format()));
    m_timeFormat->setToolTip(tr(
        "auto: ISO 8601, or epoch seconds/ms/µs/ns told apart by magnitude; or type a strftime "
        "pattern such as %d/%m/%Y %H:%M (%Y %y %m %d %e %H %I %p %M %S %f %b %B %a %z %Z %s %T %F %D %R)"));
    m_timeZone = new QComboBox(box);
    m_timeZone->setObjectName(QStringLiteral("timeZone"));
    m_timeZone->setEditable(true);
    m_timeZone->setInsertPolicy(QComboBox::NoInsert);
    QStringList zones { QStringLiteral("UTC") };
    const QString system = QString::fromUtf8(QTimeZone::systemTimeZoneId());
    if (system.contains(QLatin1Char('/'))) zones << system;
    for (const char* z : { "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
             "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney" })
        if (!zones.contains(QLatin1String(z))) zones << QLatin1String(z);
    m_timeZone->addItems(zones);
    m_timeZone->setCurrentText(QString::fromStdString(time.zone().name()));
    m_timeZone->setToolTip(tr("The zone of time stamps written without one: UTC, ±hh:mm or Area/City. "
                              "A stamp's own zone wins."));
    for (QComboBox* c : { m_timeFormat, m_timeZone })
        connect(c, &QComboBox::currentTextChanged, m_typing, qOverload<>(&QTimer::start));
    form->addRow(tr("Format:"), m_timeFormat);
    form->addRow(tr("Zone:"), m_timeZone);
    m_optionsState = new QLabel(box);
    m_optionsState->setObjectName(QStringLiteral("previewOptionsState"));
    m_optionsState->setWordWrap(true);
    form->addRow(m_optionsState);
    return box;
}

QWidget* ImportPreviewDialog::createLines()
{
    auto* box = new QGroupBox(tr("The first lines and how they are read"), this);
    auto* layout = new QVBoxLayout(box);
    m_lines = table(box, { tr("Line"), tr("Verdict"), tr("Time"), tr("Text") }, 0);
    m_lines->setObjectName(QStringLiteral("previewLines"));
    layout->addWidget(m_lines);
    return box;
}

void ImportPreviewDialog::showSniff()
{
    const core::SniffResult& r = *m_preview.sniff;
    QString file = QString::fromStdString(r.path);
    if (m_preview.spec.paths.size() > 1)
        file += tr(" (the first of %1 files)").arg(m_preview.spec.paths.size());
    else if (QFileInfo(m_preview.spec.paths.value(0)).isDir())
        file += tr(" (the first file of the folder in reading order)");
    m_summary.value(QStringLiteral("file"))->setText(file);
    m_summary.value(QStringLiteral("format"))->setText(sniffFormatText(r));
    m_summary.value(QStringLiteral("time"))->setText(sniffTimeText(r, m_utc));
    m_summary.value(QStringLiteral("order"))->setText(sniffOrderText(r));
    m_summary.value(QStringLiteral("counts"))->setText(sniffCountsText(r));
    QStringList notes;
    for (const std::string& n : r.notes)
        notes << QStringLiteral("• ") + QString::fromStdString(n);
    m_summary.value(QStringLiteral("notes"))
        ->setText(notes.isEmpty() ? tr("none") : notes.join(QLatin1Char('\n')));
    if (const int d = m_delimiter->findData(int(m_preview.spec.parser.delimiter));
        d != m_delimiter->currentIndex()) {
        const QSignalBlocker block(m_delimiter); // the preview chose it (import_preview.cpp)
        m_delimiter->setCurrentIndex(d);
    }
    for (std::size_t i = 0; i < std::size(kFields); ++i)
        m_mapping->item(int(i), 1)->setText(sniffColumnText(r, i, m_preview.spec.parser.map));
    fillFieldChoices(r);
    m_mapping->resizeColumnsToContents();
    // The whole table stays in view (the combos are its last column), up to a third of a screen.
    int width = 2 * m_mapping->frameWidth() + m_mapping->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < m_mapping->columnCount(); ++c)
        width += m_mapping->columnWidth(c);
    m_mapping->setMinimumWidth(std::min(width, 640));
    QStringList ignored;
    for (const std::string& c : r.ignoredColumns)
        ignored << QString::fromStdString(c);
    m_ignored->setText(r.headerColumns.empty() ? QString()
            : ignored.isEmpty()                ? tr("Every header column is read.")
                                : tr("Ignored columns: %1").arg(ignored.join(QStringLiteral(", "))));
    for (const std::string& p : r.suggestedTimeFormats) // offered where the user chooses
        if (m_timeFormat->findText(QString::fromStdString(p)) < 0) {
            const QSignalBlocker block(m_timeFormat);
            const QString current = m_timeFormat->currentText();
            m_timeFormat->addItem(QString::fromStdString(p));
            m_timeFormat->setCurrentText(current);
        }
    fillLines(r);
}

void ImportPreviewDialog::fillFieldChoices(const core::SniffResult& r)
{
    QStringList choices;
    // A header's columns; a first line that looks like one (no name in it known yet); JSON keys.
    const std::vector<std::string>& names = r.headerLine > 0 ? r.headerColumns
        : !r.firstLineColumns.empty()                        ? r.firstLineColumns
                                                             : r.jsonKeys;
    for (const std::string& c : names)
        choices << QString::fromStdString(c);
    const bool byName = !choices.isEmpty();
    for (std::size_t i = 0; i < std::size(kFields); ++i) {
        QComboBox* combo = m_fieldCombos[i];
        combo->setEnabled(byName);
        combo->setToolTip(byName ? QString()
                                 : tr("Without a CSV header or JSON keys the fields are read by position "
                                      "(ad_id, click_timestamp, user_id, ip, country, click_id)."));
        if (choices == m_choices && combo->count() > 1) continue;
        const QSignalBlocker block(combo);
        const QVariant chosen = combo->currentData();
        const QString chosenText = combo->currentText();
        while (combo->count() > 1)
            combo->removeItem(1);
        for (const QString& c : choices)
            combo->addItem(c, c);
        if (!core::isRequiredField(core::ClickField(i))) combo->addItem(tr("(none)"), QString());
        int index = chosen.isValid() ? combo->findData(chosen) : 0;
        if (index < 0) { // a column of an earlier choice the file no longer has: kept, shown
            combo->addItem(chosenText, chosen);
            index = combo->count() - 1;
        }
        combo->setCurrentIndex(index);
    }
    m_choices = choices;
}

void ImportPreviewDialog::fillLines(const core::SniffResult& r)
{
    m_lines->setRowCount(int(r.sample.size()));
    for (int i = 0; i < int(r.sample.size()); ++i) {
        const core::SniffLine& l = r.sample[std::size_t(i)];
        const QString time = l.kind == core::LineKind::Event ? formatTime(l.timeMs, m_utc) : QString();
        const QStringList cells
            = { QString::number(l.number), sniffVerdictText(l), time, QString::fromStdString(l.text) };
        const QColor colour = verdictColour(l);
        for (int c = 0; c < int(cells.size()); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (colour.isValid()) item->setBackground(colour);
            if (c == 3) item->setToolTip(cells[c]);
            m_lines->setItem(i, c, item);
        }
    }
    m_lines->resizeColumnsToContents();
}

bool ImportPreviewDialog::readOptions(core::ParserOptions& out, QString& error) const
{
    out = m_preview.spec.parser;
    out.delimiter = char(m_delimiter->currentData().toInt());
    for (std::size_t i = 0; i < std::size(kFields); ++i) {
        const QVariant chosen = m_fieldCombos[i]->currentData();
        out.map.columns[i] = chosen.isValid() ? std::optional(chosen.toString().toStdString()) : std::nullopt;
    }
    std::string message;
    if (!core::TimeFormat::make(m_timeFormat->currentText().trimmed().toStdString(),
            m_timeZone->currentText().trimmed().toStdString(), out.time, message)) {
        error = QString::fromStdString(message);
        return false;
    }
    return true;
}

QString ImportPreviewDialog::optionsError() const
{
    core::ParserOptions options;
    QString error;
    return readOptions(options, error) ? QString() : error;
}

bool ImportPreviewDialog::isSniffing() const
{
    return m_job->isRunning() || m_typing->isActive();
}

void ImportPreviewDialog::optionsChanged()
{
    m_typing->stop();
    core::ParserOptions options;
    QString error;
    if (!readOptions(options, error)) {
        m_job->reset();
        m_optionsState->setText(tr("Cannot use these settings: %1").arg(error));
        m_ok->setEnabled(false);
        return;
    }
    m_ok->setEnabled(true);
    if (options == m_preview.spec.parser && !m_job->isRunning()) {
        m_optionsState->clear();
        return;
    }
    m_optionsState->setText(tr("Reading the first lines again with these settings…"));
    SourceSpec spec = m_preview.spec;
    spec.parser = options;
    m_job->start([spec, db = m_preview.openDatabase] { return sniffForPreview(spec, db, false); },
        [this](const ImportPreview& preview) { onSniffed(preview); });
}

void ImportPreviewDialog::onSniffed(const ImportPreview& preview)
{
    if (!preview.ok()) {
        m_optionsState->setText(tr("The file cannot be read again: %1").arg(preview.error));
        return;
    }
    m_optionsState->clear();
    m_preview.sniff = preview.sniff;
    m_preview.spec.parser = preview.spec.parser;
    showSniff();
    emit sniffShown();
}

QWidget* ImportPreviewDialog::createOrderChoice()
{
    auto* box = new QGroupBox(tr("How to read the lines"), this);
    auto* layout = new QVBoxLayout(box);
    m_timeOrder
        = new QRadioButton(tr("Lines are in time order: a click more than the lateness behind the newest one "
                              "is counted as late, not in its minute"),
            box);
    m_timeOrder->setObjectName(QStringLiteral("timeOrder"));
    m_anyOrder
        = new QRadioButton(tr("Lines are in any order: every click counts in its own minute, duplicates are "
                              "found across the whole file"),
            box);
    m_anyOrder->setObjectName(QStringLiteral("anyOrder"));
    auto* group = new QButtonGroup(box);
    group->addButton(m_timeOrder);
    group->addButton(m_anyOrder);
    layout->addWidget(m_timeOrder);
    layout->addWidget(m_anyOrder);
    if (m_preview.spec.kind == SourceSpec::Kind::Follow) {
        m_timeOrder->setChecked(true);
        m_anyOrder->setEnabled(false);
        layout->addWidget(new QLabel(tr("A followed file is read as it grows, in time order."), box));
    } else {
        // An archive is read in any order by default (issue 10): every click counts in its own
        // minute, which is the exact answer whatever the sniff saw in its first lines. Time order
        // stays one click away for those who want the live rule (clicks behind the lateness late).
        setOrderAny(true);
    }
    return box;
}

SourceSpec ImportPreviewDialog::spec() const
{
    SourceSpec s = m_preview.spec;
    s.orderAny = orderAny();
    core::ParserOptions options;
    QString error;
    if (readOptions(options, error)) s.parser = options; // else the shown sniff's (Read is disabled)
    return s;
}

bool ImportPreviewDialog::orderAny() const
{
    return m_anyOrder->isEnabled() && m_anyOrder->isChecked();
}

void ImportPreviewDialog::setOrderAny(bool any)
{
    (any ? m_anyOrder : m_timeOrder)->setChecked(true);
}

QString ImportPreviewDialog::summary(const QString& name) const
{
    const QLabel* label = m_summary.value(name);
    return label ? label->text() : QString();
}

} // namespace adclick::ui
