#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <cstdio>
#include <functional>

namespace Kini {

// For tests/bench (kini-bench), which times start-up to the first painted window: it prints
// "KINI-SHOWN" once a paint has happened that counts (any paint, unless a condition is set), and
// with quit set, ends the program. Header-only, so the benchmark's reference program can use it
// without linking anything of Kini Explorer.
class FirstPaintReporter final : public QObject
{
public:
    explicit FirstPaintReporter(bool quit, QObject *parent = nullptr)
        : QObject(parent)
        , m_quit(quit)
    {
    }

    // The line printed; "KINI-SHOWN" unless told otherwise.
    void setLine(const char *line) { m_line = line; }

    // Watches target's paint events: a window's, or the whole application's (qApp) when what
    // counts may be a child widget repainting on its own.
    void watch(QObject *target)
    {
        m_target = target;
        target->installEventFilter(this);
    }

    // Which paints count, e.g. "a widget of this window, painted once the session is back".
    void setCondition(std::function<bool(QObject *painted)> condition)
    {
        m_condition = std::move(condition);
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_seen && (!m_condition || m_condition(watched))) {
            m_seen = true;
            // Queued: runs once this paint, children included, is done.
            QTimer::singleShot(0, this, [this] {
                if (m_target)
                    m_target->removeEventFilter(this);
                if (m_onPainted)
                    m_onPainted();
                std::puts(m_line);
                std::fflush(stdout);
                if (m_quit)
                    QCoreApplication::quit();
            });
        }
        return false;
    }

    // Called first once the window has been painted.
    void setOnPainted(std::function<void()> onPainted) { m_onPainted = std::move(onPainted); }

private:
    bool m_quit;
    const char *m_line = "KINI-SHOWN";
    bool m_seen = false;
    QPointer<QObject> m_target;
    std::function<bool(QObject *)> m_condition;
    std::function<void()> m_onPainted;
};

} // namespace Kini
