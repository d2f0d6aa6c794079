#pragma once

#include "ui/dashboard/import_preview.h"

#include <QDialog>
#include <QThreadPool>

#include <array>

class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QTableWidget;
class QTimer;

namespace adclick::ui {

class JobTracker;

//! Shown when a file is opened, before anything is read into a database: the sniffer's reading of
//! its first lines (format, delimiter, header and column mapping, time format, zone and range, how
//! out of order they are, and each line's verdict) and the choices of how to read it: the column
//! each field is read from (a combo per field: automatic by name, a header column or JSON key, or
//! none), the time format and zone, and reading in time order or in any order (the default for
//! archives). Changing the mapping, format or zone sniffs the file again in the background with
//! them, so the verdicts, range and order figures shown are the ingest's. Accepting it opens
//! spec() as the source.
class ImportPreviewDialog : public QDialog {
    Q_OBJECT
public:
    ImportPreviewDialog(const ImportPreview& preview, bool utc, QWidget* parent = nullptr);
    ~ImportPreviewDialog() override;

    //! The source to open: the preview's, with the order, column map, time format and zone chosen.
    SourceSpec spec() const;
    bool orderAny() const;
    void setOrderAny(bool any);

    //! The sniff shown (of the options last applied; see isSniffing()).
    const core::SniffResult& sniff() const { return *m_preview.sniff; }
    //! The parser options the shown sniff was made with.
    const core::ParserOptions& shownOptions() const { return m_preview.spec.parser; }
    //! A sniff with newer options has not answered yet.
    bool isSniffing() const;
    //! Why the time format or zone typed cannot be used (empty when they can).
    QString optionsError() const;

    QTableWidget* linesTable() const { return m_lines; }
    QTableWidget* mappingTable() const { return m_mapping; }
    //! The combo of a field (ClickField order): "automatic", the header's columns or JSON keys,
    //! "(none)" for optional fields.
    QComboBox* fieldCombo(core::ClickField field) const { return m_fieldCombos[std::size_t(field)]; }
    QComboBox* timeFormatCombo() const { return m_timeFormat; }
    QComboBox* timeZoneCombo() const { return m_timeZone; }
    QComboBox* delimiterCombo() const { return m_delimiter; }
    QRadioButton* timeOrderButton() const { return m_timeOrder; }
    QRadioButton* anyOrderButton() const { return m_anyOrder; }
    //! The text of a summary row by name (file, format, time, order, counts, notes), for tests.
    QString summary(const QString& name) const;

signals:
    //! A sniff made with changed options is shown.
    void sniffShown();

private:
    QWidget* createSummary();
    QWidget* createMapping();
    QWidget* createTimeSettings();
    QWidget* createLines();
    QWidget* createOrderChoice();
    QComboBox* createFieldCombo(std::size_t field, QWidget* parent);

    //! Fills every view from m_preview.sniff.
    void showSniff();
    void fillFieldChoices(const core::SniffResult& r);
    void fillLines(const core::SniffResult& r);
    //! The options the widgets give; false with `error` for a time format or zone that is wrong.
    bool readOptions(core::ParserOptions& out, QString& error) const;
    //! A widget changed: check the options, and sniff again when they differ from the shown ones.
    void optionsChanged();
    void onSniffed(const ImportPreview& preview);

    ImportPreview m_preview;
    bool m_utc = true;
    QThreadPool m_pool;
    JobTracker* m_job = nullptr;
    QTimer* m_typing = nullptr; //!< a pause after typing in the time combos applies them
    QStringList m_choices; //!< the columns or keys the field combos offer
    QTableWidget* m_lines = nullptr;
    QTableWidget* m_mapping = nullptr;
    std::array<QComboBox*, core::kClickFieldCount> m_fieldCombos {};
    QComboBox* m_timeFormat = nullptr;
    QComboBox* m_timeZone = nullptr;
    QComboBox* m_delimiter = nullptr;
    QLabel* m_optionsState = nullptr;
    QLabel* m_ignored = nullptr;
    QPushButton* m_ok = nullptr;
    QRadioButton* m_timeOrder = nullptr;
    QRadioButton* m_anyOrder = nullptr;
    QMap<QString, QLabel*> m_summary;
};

} // namespace adclick::ui
