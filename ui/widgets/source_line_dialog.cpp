#include "ui/widgets/source_line_dialog.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace adclick::ui {

SourceLineDialog::SourceLineDialog(
    const QString& source, int64_t offset, const QString& reason, const QString& line, QWidget* parent)
    : QDialog(parent)
    , m_source(source)
    , m_line(line)
{
    setObjectName(QStringLiteral("sourceLineDialog"));
    setWindowTitle(tr("Rejected line in %1").arg(QFileInfo(source).fileName()));
    setAttribute(Qt::WA_DeleteOnClose);
    auto* layout = new QVBoxLayout(this);
    m_header = new QLabel(tr("%1, position %2 · %3 · finding the line…")
                              .arg(source, QLocale().toString(qlonglong(offset)), reason),
        this);
    m_header->setObjectName(QStringLiteral("sourceLocation"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("sourceLines"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlainText(line);
    layout->addWidget(m_text, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_open = buttons->addButton(tr("Open in system viewer"), QDialogButtonBox::ActionRole);
    m_open->setObjectName(QStringLiteral("openInViewer"));
    m_open->setEnabled(QFileInfo(source).isFile());
    auto* copy = buttons->addButton(tr("Copy line"), QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_open, &QPushButton::clicked, this,
        [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(m_source).absoluteFilePath())); });
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_line); });
    resize(760, 320);
}

void SourceLineDialog::setContext(const SourceContext& c)
{
    if (!c.ok()) {
        m_header->setText(tr("%1, position %2: %3. The stored line:")
                              .arg(c.path, QLocale().toString(qlonglong(c.offset)), c.error));
        return;
    }
    m_location = QStringLiteral("%1:%2").arg(c.path).arg(c.lineNumber);
    m_header->setText(
        tr("%1 (position %2), marked ▶").arg(m_location, QLocale().toString(qlonglong(c.offset))));
    const int width = int(QString::number(c.firstLineNumber + c.lines.size()).size());
    QStringList shown;
    for (qsizetype i = 0; i < c.lines.size(); ++i) {
        const int64_t number = c.firstLineNumber + i;
        shown << QStringLiteral("%1 %2  %3")
                     .arg(number == c.lineNumber ? QStringLiteral("▶") : QStringLiteral(" "))
                     .arg(number, width)
                     .arg(c.lines[i]);
    }
    m_text->setPlainText(shown.join(QLatin1Char('\n')));
}

QString SourceLineDialog::text() const
{
    return m_text->toPlainText();
}

} // namespace adclick::ui
