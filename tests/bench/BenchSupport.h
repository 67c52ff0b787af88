#pragma once

#include <QEventLoop>
#include <QList>
#include <QString>

// Repeated measurements of one figure: printed as "median [min–max]".
struct Sample
{
    QList<double> values;

    void add(double value) { values.append(value); }
    bool isEmpty() const { return values.isEmpty(); }
    double median() const;
    double min() const;
    double max() const;
    // "312.4 [305.1–330.0] ms (n=5)"; decimals for all three numbers.
    QString describe(const QString &unit, int decimals = 1) const;
};

// One line of the final table. ratio < 0 means "not applicable" (an absolute target).
struct BenchRow
{
    QString id; // "1", "4b"
    QString what; // what is measured, short
    QString kini; // Kini Explorer's raw figure
    QString reference; // the reference's raw figure, measured in the same run
    double ratio = -1;
    QString target; // "≤ 1.05"
    bool met = false;
    QString note; // extra facts (refresh calls, absolute values, failures)
};

// Prints the rows as a Markdown table (pasteable into README.md), then the notes.
void printTable(const QList<BenchRow> &rows, const QString &heading);

// A progress line on stderr, so that stdout holds only the table.
void progress(const QString &text);

// The driver is a script of measurements, so it waits in place in a local event loop (the app
// itself never does). wait() returns false when timeoutMs passed before done() was called.
class Waiter
{
public:
    void done();
    bool wait(int timeoutMs);

private:
    QEventLoop m_loop;
    bool m_done = false;
};
