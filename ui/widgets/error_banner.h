#pragma once

#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;

namespace adclick::ui {

//! The dismissable error message at the top of the window. An error of a snapshot's query goes
//! away by itself with the next good snapshot; any other stays until dismissed or replaced.
class ErrorBanner : public QWidget {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget* parent = nullptr);

    void showError(const QString& message);
    //! What a finished ingest says about its input: an error (red, nothing was counted) or a
    //! warning (amber). Stays until dismissed or replaced, like an error.
    void showNotice(const QString& message, bool error);
    //! The banner shows a warning (amber) rather than an error.
    bool isWarning() const { return m_warning; }
    //! A button beside the message shown now (e.g. "Open the import preview"); it goes with it.
    void setAction(const QString& text, std::function<void()> action);
    //! The action button's text (empty when there is none).
    QString actionText() const;
    //! A snapshot's query failed (cleared again by clearQueryError()).
    void showQueryError(const QString& message);
    void clearQueryError();
    void clear();
    //! The text shown (empty when hidden).
    QString text() const;

private:
    QLabel* m_label = nullptr;
    QPushButton* m_action = nullptr;
    std::function<void()> m_onAction;
    bool m_fromQuery = false;
    bool m_warning = false;
    void setWarningStyle(bool warning);
};

} // namespace adclick::ui
