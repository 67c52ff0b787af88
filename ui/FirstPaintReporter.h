#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QTimer>

#include <cstdio>

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
                std::puts("KINI-SHOWN");
                std::fflush(stdout);
                if (m_quit)
                    QCoreApplication::quit();
            });
        }
        return false;
    }

private:
    bool m_quit;
};

} // namespace Kini
