#include "ui/widgets/kafka_dialog.h"

#include "ui/dashboard/source_spec.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace adclick::ui {

KafkaDialog::KafkaDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Connect to Kafka"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout();
    QSettings settings;
    settings.beginGroup(QStringLiteral("kafka"));
    m_servers = new QLineEdit(
        settings.value(QStringLiteral("servers"), QStringLiteral("localhost:9092")).toString(), this);
    m_servers->setPlaceholderText(tr("host:port,host:port"));
    m_topic
        = new QLineEdit(settings.value(QStringLiteral("topic"), QStringLiteral("clicks")).toString(), this);
    m_group = new QLineEdit(
        settings.value(QStringLiteral("group"), QStringLiteral("adclick-monitor")).toString(), this);
    m_group->setToolTip(tr("Offsets are kept in the database (exactly once); the group's offsets are only "
                           "committed for other tools to see the lag."));
    m_props = new QPlainTextEdit(settings.value(QStringLiteral("properties")).toString(), this);
    m_props->setPlaceholderText(tr("librdkafka properties, one key=value a line, e.g.\n"
                                   "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN"));
    m_props->setTabChangesFocus(true);
    form->addRow(tr("Bootstrap servers"), m_servers);
    form->addRow(tr("Topic"), m_topic);
    form->addRow(tr("Consumer group"), m_group);
    form->addRow(tr("Properties"), m_props);
    layout->addLayout(form);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &KafkaDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &KafkaDialog::reject);
    layout->addWidget(buttons);
    resize(480, 360);
}

QString KafkaDialog::uri() const
{
    return makeKafkaUri(m_servers->text(), m_topic->text(), m_group->text());
}

std::vector<std::pair<std::string, std::string>> KafkaDialog::properties() const
{
    std::vector<std::pair<std::string, std::string>> out;
    QString error;
    parseProperties(m_props->toPlainText(), out, error);
    return out;
}

bool KafkaDialog::parseProperties(
    const QString& text, std::vector<std::pair<std::string, std::string>>& out, QString& error)
{
    out.clear();
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            error = tr("line %1: expected key=value, not '%2'").arg(i + 1).arg(line);
            return false;
        }
        out.emplace_back(line.left(eq).trimmed().toStdString(), line.mid(eq + 1).trimmed().toStdString());
    }
    return true;
}

void KafkaDialog::accept()
{
    std::vector<std::pair<std::string, std::string>> props;
    QString error;
    if (m_servers->text().trimmed().isEmpty() || m_topic->text().trimmed().isEmpty())
        error = tr("Bootstrap servers and topic are required");
    else if (m_topic->text().contains(QLatin1Char('/')) || m_topic->text().contains(QLatin1Char('?')))
        error = tr("A topic name cannot contain '/' or '?'");
    else
        parseProperties(m_props->toPlainText(), props, error);
    if (!error.isEmpty()) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    QSettings settings;
    settings.beginGroup(QStringLiteral("kafka"));
    settings.setValue(QStringLiteral("servers"), m_servers->text().trimmed());
    settings.setValue(QStringLiteral("topic"), m_topic->text().trimmed());
    settings.setValue(QStringLiteral("group"), m_group->text().trimmed());
    settings.setValue(QStringLiteral("properties"), m_props->toPlainText());
    QDialog::accept();
}

} // namespace adclick::ui
