#include "ui/widgets/shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace adclick::ui {

namespace {

//! Keys that act inside a panel (no menu action stands for them).
const char* const kPanelKeys[][2] = {
    { QT_TRANSLATE_NOOP("ShortcutsDialog", "Tab / Shift+Tab"),
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Next / previous control; a table is one stop") },
    { QT_TRANSLATE_NOOP("ShortcutsDialog", "Arrow keys, Page Up/Down, Home/End"),
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Move within a table (the top-N selection charts the ads)") },
    { QT_TRANSLATE_NOOP("ShortcutsDialog", "Shift+arrows, Ctrl+Space"),
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Extend the selection, select or deselect a row") },
    { QT_TRANSLATE_NOOP("ShortcutsDialog", "Space"),
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Check or uncheck a country in the filter list") },
    { QT_TRANSLATE_NOOP("ShortcutsDialog", "Arrow keys on a chart"),
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Pan a zoomed chart") },
    { QT_TRANSLATE_NOOP("ShortcutsDialog", "Ctrl+Tab, Ctrl+Page Up/Down"),
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Next / previous tab of the events panel") },
};

void addMenu(QMenu* menu, const QString& path, QList<QAction*>& out, QStringList* paths)
{
    for (QAction* a : menu->actions()) {
        if (a->isSeparator()) continue;
        if (QMenu* sub = a->menu()) {
            addMenu(sub, path + ShortcutsDialog::plainText(a) + QStringLiteral(" → "), out, paths);
            continue;
        }
        out << a;
        if (paths) *paths << path;
    }
}

} // namespace

ShortcutsDialog::ShortcutsDialog(QMenuBar* menus, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(QStringLiteral("shortcutsTable"));
    m_table->setHorizontalHeaderLabels({ tr("Action"), tr("Keys") });
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setTabKeyNavigation(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    const auto add = [this](const QString& what, const QString& keys) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(what));
        m_table->setItem(row, 1, new QTableWidgetItem(keys));
    };
    for (QAction* top : menus->actions()) {
        if (!top->menu()) continue;
        QList<QAction*> actions;
        QStringList paths;
        addMenu(top->menu(), plainText(top) + QStringLiteral(" → "), actions, &paths);
        for (int i = 0; i < actions.size(); ++i)
            add(paths[i] + plainText(actions[i]),
                actions[i]->shortcuts().isEmpty()
                    ? QString()
                    : QKeySequence::listToString(actions[i]->shortcuts(), QKeySequence::NativeText));
    }
    for (const auto& [keys, what] : kPanelKeys)
        add(tr(what), tr(keys));
    layout->addWidget(m_table, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 560);
}

QStringList ShortcutsDialog::rows() const
{
    QStringList out;
    for (int r = 0; r < m_table->rowCount(); ++r)
        out << m_table->item(r, 0)->text() + QLatin1Char('\t') + m_table->item(r, 1)->text();
    return out;
}

QList<QAction*> ShortcutsDialog::menuActions(QMenuBar* menus)
{
    QList<QAction*> out;
    for (QAction* top : menus->actions())
        if (top->menu()) addMenu(top->menu(), QString(), out, nullptr);
    return out;
}

QString ShortcutsDialog::plainText(const QAction* action)
{
    QString t = action->text();
    t.replace(QLatin1String("&&"), QLatin1String("\x01"));
    t.remove(QLatin1Char('&'));
    t.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    return t;
}

} // namespace adclick::ui
