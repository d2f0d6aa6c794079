#pragma once

#include <QWidget>

class QLabel;

namespace adclick::ui {

//! The dismissable error message at the top of the window. An error of a snapshot's query goes
//! away by itself with the next good snapshot; any other stays until dismissed or replaced.
class ErrorBanner : public QWidget {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget* parent = nullptr);

    void showError(const QString& message);
    //! A snapshot's query failed (cleared again by clearQueryError()).
    void showQueryError(const QString& message);
    void clearQueryError();
    void clear();
    //! The text shown (empty when hidden).
    QString text() const;

private:
    QLabel* m_label = nullptr;
    bool m_fromQuery = false;
};

} // namespace adclick::ui
