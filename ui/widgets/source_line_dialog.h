#pragma once

#include "ui/models/source_context.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace adclick::ui {

//! "Open source at line" of a rejected line: the file and line number (counted from the stored
//! byte offset), the lines around it with the rejected one marked, and a button that opens the
//! file in the system's viewer (QDesktopServices). The context is read in the background; the
//! dialog shows the stored line until it arrives, and says why when there is none (a Kafka
//! source, a file moved since).
class SourceLineDialog : public QDialog {
    Q_OBJECT
public:
    SourceLineDialog(const QString& source, int64_t offset, const QString& reason, const QString& line,
        QWidget* parent = nullptr);

    void setContext(const SourceContext& context);
    //! "path:line" once known (empty before).
    QString location() const { return m_location; }
    QString text() const;

private:
    QString m_source, m_line;
    QString m_location;
    QLabel* m_header = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QPushButton* m_open = nullptr;
};

} // namespace adclick::ui
