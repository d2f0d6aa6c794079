#pragma once

#include "ui/dashboard/import_preview.h"

#include <QDialog>

class QRadioButton;
class QTableWidget;
class QLabel;

namespace adclick::ui {

//! Shown when a file is opened, before anything is read into a database: the sniffer's reading of
//! its first lines (format, delimiter, header and column mapping, time format and range, how out
//! of order they are, and each line's verdict) and the choice of reading the lines in time order
//! or in any order (the default for archives). The mapping is shown, not edited (editing comes
//! with the parser's column map). Accepting it opens spec() as the source.
class ImportPreviewDialog : public QDialog {
    Q_OBJECT
public:
    ImportPreviewDialog(const ImportPreview& preview, bool utc, QWidget* parent = nullptr);

    //! The source to open: the preview's, with the order chosen.
    SourceSpec spec() const;
    bool orderAny() const;
    void setOrderAny(bool any);

    QTableWidget* linesTable() const { return m_lines; }
    QTableWidget* mappingTable() const { return m_mapping; }
    QRadioButton* timeOrderButton() const { return m_timeOrder; }
    QRadioButton* anyOrderButton() const { return m_anyOrder; }
    //! The text of a summary row by name (file, format, time, order, counts, notes), for tests.
    QString summary(const QString& name) const;

private:
    QWidget* createSummary(const core::SniffResult& r, bool utc);
    QWidget* createMapping(const core::SniffResult& r);
    QWidget* createLines(const core::SniffResult& r, bool utc);
    QWidget* createOrderChoice();

    ImportPreview m_preview;
    QTableWidget* m_lines = nullptr;
    QTableWidget* m_mapping = nullptr;
    QRadioButton* m_timeOrder = nullptr;
    QRadioButton* m_anyOrder = nullptr;
    QMap<QString, QLabel*> m_summary;
};

} // namespace adclick::ui
