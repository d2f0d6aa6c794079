#pragma once

#include <QDialog>

#include <string>
#include <utility>
#include <vector>

class QLineEdit;
class QPlainTextEdit;
class QLabel;

namespace adclick::ui {

//! Connect to Kafka: bootstrap servers, topic, consumer group and extra librdkafka properties
//! (one `key=value` a line). The values are remembered between runs (QSettings).
class KafkaDialog : public QDialog {
    Q_OBJECT
public:
    explicit KafkaDialog(QWidget* parent = nullptr);

    QString uri() const;
    std::vector<std::pair<std::string, std::string>> properties() const;

    void accept() override;

    //! Parses `key=value` lines (blank lines and `#` comments skipped); error names the line.
    static bool parseProperties(
        const QString& text, std::vector<std::pair<std::string, std::string>>& out, QString& error);

private:
    QLineEdit* m_servers = nullptr;
    QLineEdit* m_topic = nullptr;
    QLineEdit* m_group = nullptr;
    QPlainTextEdit* m_props = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace adclick::ui
