#pragma once

#include <QtGlobal>

namespace Kini {

// All expiry arithmetic is done in UTC epoch milliseconds read from a Clock, so tests can move
// time (suspend, wall-clock jumps) without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override;
    static SystemClock *instance();
};

// A clock that only moves when told to; for tests and benchmarks.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 0)
        : m_now(startMs)
    {
    }
    qint64 nowMs() const override { return m_now; }
    void setNowMs(qint64 ms) { m_now = ms; }
    void advanceMs(qint64 ms) { m_now += ms; }

private:
    qint64 m_now;
};

} // namespace Kini
