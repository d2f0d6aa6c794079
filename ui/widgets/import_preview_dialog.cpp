#include "ui/widgets/import_preview_dialog.h"

#include "ui/models/preview_text.h"
#include "ui/models/time_format.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSplitter>
#include <QTableWidget>
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
{
    setObjectName(QStringLiteral("importPreview"));
    const core::SniffResult& r = *preview.sniff;
    const bool follow = preview.spec.kind == SourceSpec::Kind::Follow;
    setWindowTitle(follow ? tr("Follow %1 — preview").arg(QFileInfo(preview.spec.paths.value(0)).fileName())
                          : tr("Open %1 — preview").arg(preview.spec.displayName()));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createSummary(r, utc));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(createMapping(r));
    split->addWidget(createLines(r, utc));
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    layout->addWidget(createOrderChoice());
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(follow ? tr("Follow") : tr("Read"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(1000, 680);
}

QWidget* ImportPreviewDialog::createSummary(const core::SniffResult& r, bool utc)
{
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    const auto add = [&](const QString& name, const QString& title, const QString& text) {
        auto* label = new QLabel(text, box);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setObjectName(QStringLiteral("preview_") + name);
        form->addRow(title, label);
        m_summary.insert(name, label);
    };
    QString file = QString::fromStdString(r.path);
    if (m_preview.spec.paths.size() > 1)
        file += tr(" (the first of %1 files)").arg(m_preview.spec.paths.size());
    else if (QFileInfo(m_preview.spec.paths.value(0)).isDir())
        file += tr(" (the first file of the folder in reading order)");
    add(QStringLiteral("file"), tr("File:"), file);
    add(QStringLiteral("format"), tr("Format:"), sniffFormatText(r));
    add(QStringLiteral("time"), tr("Times:"), sniffTimeText(r, utc));
    add(QStringLiteral("order"), tr("Order:"), sniffOrderText(r));
    add(QStringLiteral("counts"), tr("Lines:"), sniffCountsText(r));
    QStringList notes;
    for (const std::string& n : r.notes)
        notes << QStringLiteral("• ") + QString::fromStdString(n);
    add(QStringLiteral("notes"), tr("Notes:"), notes.isEmpty() ? tr("none") : notes.join(QLatin1Char('\n')));
    return box;
}

QWidget* ImportPreviewDialog::createMapping(const core::SniffResult& r)
{
    auto* box = new QGroupBox(tr("Fields read from"), this);
    auto* layout = new QVBoxLayout(box);
    m_mapping = table(box, { tr("Field"), tr("Read from") }, int(std::size(kFields)));
    m_mapping->setObjectName(QStringLiteral("previewMapping"));
    m_mapping->setToolTip(
        tr("As the parser reads this file: a CSV header maps columns by name (any order, other "
           "columns ignored). Shown, not editable."));
    for (int i = 0; i < int(std::size(kFields)); ++i) {
        m_mapping->setItem(i, 0, new QTableWidgetItem(QLatin1String(kFields[i])));
        m_mapping->setItem(i, 1, new QTableWidgetItem(sniffColumnText(r, std::size_t(i))));
    }
    m_mapping->resizeColumnsToContents();
    layout->addWidget(m_mapping);
    if (!r.headerColumns.empty()) {
        QStringList ignored;
        for (const std::string& c : r.ignoredColumns)
            ignored << QString::fromStdString(c);
        auto* label = new QLabel(ignored.isEmpty()
                ? tr("Every header column is read.")
                : tr("Ignored columns: %1").arg(ignored.join(QStringLiteral(", "))),
            box);
        label->setWordWrap(true);
        layout->addWidget(label);
    }
    return box;
}

QWidget* ImportPreviewDialog::createLines(const core::SniffResult& r, bool utc)
{
    auto* box = new QGroupBox(tr("The first lines and how they are read"), this);
    auto* layout = new QVBoxLayout(box);
    m_lines = table(box, { tr("Line"), tr("Verdict"), tr("Time"), tr("Text") }, int(r.sample.size()));
    m_lines->setObjectName(QStringLiteral("previewLines"));
    for (int i = 0; i < int(r.sample.size()); ++i) {
        const core::SniffLine& l = r.sample[std::size_t(i)];
        const QString time = l.kind == core::LineKind::Event ? formatTime(l.timeMs, utc) : QString();
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
    layout->addWidget(m_lines);
    return box;
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
