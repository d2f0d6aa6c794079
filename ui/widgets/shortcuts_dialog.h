#pragma once

#include <QDialog>
#include <QList>
#include <QStringList>

class QAction;
class QMenuBar;
class QTableWidget;

namespace adclick::ui {

//! Help → Keyboard shortcuts: every menu action with its shortcut (read from the menus when it
//! opens, so it cannot go stale), and the keys that work inside the panels.
class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(QMenuBar* menus, QWidget* parent = nullptr);

    //! The rows shown, "Menu → Action<TAB>Shortcut" (for tests).
    QStringList rows() const;

    //! The actions of the menu bar's menus, submenus included (not separators).
    static QList<QAction*> menuActions(QMenuBar* menus);
    //! An action's text without its mnemonic '&'.
    static QString plainText(const QAction* action);

private:
    QTableWidget* m_table = nullptr;
};

} // namespace adclick::ui
