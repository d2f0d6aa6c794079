#include "ui/widgets/window_fit.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QPointer>
#include <QScrollArea>
#include <QStyle>
#include <QTextDocument>
#include <QToolTip>

#include <algorithm>

namespace adclick::ui {

namespace {

constexpr QSize kPreferredSize(1600, 980);
constexpr double kScreenShare = 0.92;

bool isPlainText(const QLabel* label)
{
    if (label->textFormat() == Qt::RichText) return false;
    return label->textFormat() == Qt::PlainText || !Qt::mightBeRichText(label->text());
}

//! A single-line plain label whose text is wider than its room.
bool isClipped(const QLabel* label)
{
    if (label->text().isEmpty() || !isPlainText(label)) return false;
    if (label->wordWrap()) return label->minimumSizeHint().width() > label->width();
    return label->fontMetrics().horizontalAdvance(label->text()) > label->contentsRect().width();
}

//! Installed on the root (to find labels added later) and on each label (to draw and tell).
class LabelElider : public QObject {
public:
    explicit LabelElider(QWidget* root)
        : QObject(root)
        , m_root(root)
    {
        root->installEventFilter(this);
        adopt();
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_root) {
            if (event->type() == QEvent::ChildAdded || event->type() == QEvent::LayoutRequest
                || event->type() == QEvent::Show)
                adopt();
            return false;
        }
        auto* label = qobject_cast<QLabel*>(watched);
        if (!label) return false;
        if (event->type() == QEvent::Paint && !label->wordWrap() && isClipped(label)) {
            paintElided(label);
            return true;
        }
        if (event->type() == QEvent::ToolTip && isClipped(label)) {
            const QString own = label->toolTip();
            const QString text = own.isEmpty() || own == label->text()
                ? label->text()
                : label->text() + QStringLiteral("\n\n") + own;
            QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), text, label);
            return true;
        }
        return false;
    }

private:
    void adopt()
    {
        for (QLabel* label : m_root->findChildren<QLabel*>()) {
            if (label->property("adclickElided").toBool()) continue;
            label->setProperty("adclickElided", true);
            if (label->minimumWidth() == 0) label->setMinimumWidth(1);
            label->installEventFilter(this);
        }
    }

    static void paintElided(QLabel* label)
    {
        QPainter p(label);
        const QRect r = label->contentsRect().adjusted(
            label->margin(), label->margin(), -label->margin(), -label->margin());
        const QString shown = label->fontMetrics().elidedText(label->text(), Qt::ElideMiddle, r.width());
        label->style()->drawItemText(&p, r,
            int(QStyle::visualAlignment(label->layoutDirection(), label->alignment())), label->palette(),
            label->isEnabled(), shown, label->foregroundRole());
    }

    QPointer<QWidget> m_root;
};

} // namespace

QSize initialWindowSize(const QSize& available, const QSize& minimum)
{
    QSize size = kPreferredSize;
    if (available.isValid() && !available.isEmpty())
        size = size.boundedTo(
            QSize(int(available.width() * kScreenShare), int(available.height() * kScreenShare)));
    return size.expandedTo(minimum);
}

QScrollArea* scrollableDockContent(QWidget* panel, bool horizontal)
{
    auto* area = new QScrollArea();
    area->setObjectName(panel->objectName() + QStringLiteral("Scroll"));
    area->setFrameShape(QFrame::NoFrame);
    area->setWidgetResizable(true);
    area->setHorizontalScrollBarPolicy(horizontal ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    area->setWidget(panel);
    area->setFocusPolicy(Qt::NoFocus); // Tab goes to the panel's own widgets
    return area;
}

void elideLabels(QWidget* root)
{
    new LabelElider(root);
}

namespace {

//! The controls inside `panel` that take the focus by Tab, in the window's focus chain order.
QList<QWidget*> tabStops(QWidget* panel)
{
    QList<QWidget*> out;
    QWidget* top = panel->window();
    for (QWidget* w = top->nextInFocusChain(); w && w != top; w = w->nextInFocusChain())
        if (panel->isAncestorOf(w) && (w->focusPolicy() & Qt::TabFocus) && !out.contains(w)) out << w;
    return out;
}

} // namespace

void setPanelTabOrder(const QList<QWidget*>& panels)
{
    QList<QWidget*> chain;
    for (QWidget* panel : panels) {
        for (auto* view : panel->findChildren<QAbstractItemView*>())
            view->setTabKeyNavigation(false);
        chain << tabStops(panel);
    }
    for (qsizetype i = 0; i + 1 < chain.size(); ++i)
        QWidget::setTabOrder(chain[i], chain[i + 1]);
}

QWidget* firstFocusable(QWidget* panel)
{
    for (QWidget* w : tabStops(panel))
        if (w->isVisibleTo(panel->window()) && w->isEnabled()) return w;
    return nullptr;
}

} // namespace adclick::ui
