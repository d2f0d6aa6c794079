#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QObject>

class QLabel;
class QProgressBar;
class QPushButton;
class QStatusBar;

namespace adclick::ui {

//! The status bar's permanent parts: the source's state, an archive's progress with throughput,
//! ETA and Cancel, the GUI thread's stall, and the database.
class IngestStatusBar : public QObject {
    Q_OBJECT
public:
    explicit IngestStatusBar(QStatusBar* bar);

    void setStatus(const IngestStatus& status, bool sourcePaused, bool hasDatabase);
    //! The run ended: a finished archive says so for a while, then its progress bar goes.
    void setFinished(const IngestStatus& status);
    void setText(const QString& text);
    void setStall(double maxMs);
    void setDatabase(const QString& path);

signals:
    void cancelRequested();

private:
    QStatusBar* m_bar;
    QLabel* m_text = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_rate = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_stall = nullptr;
    QLabel* m_database = nullptr;
    bool m_active = false;
};

} // namespace adclick::ui
