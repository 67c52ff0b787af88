#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QTimer>

#include <cstdio>
#include <functional>

namespace Kini {

// For tests/bench (kini-bench), which times start-up to the first painted window: installed as
// an event filter on that window, it prints "KINI-SHOWN" once the window has been painted, and
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

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            watched->removeEventFilter(this);
            // Queued: runs once the whole window, children included, has been painted.
            QTimer::singleShot(0, this, [this] {
                if (m_onPainted)
                    m_onPainted();
                std::puts("KINI-SHOWN");
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
    std::function<void()> m_onPainted;
};

} // namespace Kini
