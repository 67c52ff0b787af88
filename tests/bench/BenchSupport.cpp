#include "BenchSupport.h"

#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>

double Sample::median() const
{
    if (values.isEmpty())
        return 0;
    QList<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const qsizetype middle = sorted.size() / 2;
    return sorted.size() % 2 ? sorted.at(middle) : (sorted.at(middle - 1) + sorted.at(middle)) / 2;
}

double Sample::min() const
{
    return values.isEmpty() ? 0 : *std::min_element(values.cbegin(), values.cend());
}

double Sample::max() const
{
    return values.isEmpty() ? 0 : *std::max_element(values.cbegin(), values.cend());
}

QString Sample::describe(const QString &unit, int decimals) const
{
    if (values.isEmpty())
        return QStringLiteral("n/a");
    return QStringLiteral("%1 [%2–%3]%4 (n=%5)")
            .arg(median(), 0, 'f', decimals)
            .arg(min(), 0, 'f', decimals)
            .arg(max(), 0, 'f', decimals)
            .arg(unit.isEmpty() ? QString() : QLatin1Char(' ') + unit)
            .arg(values.size());
}

void printTable(const QList<BenchRow> &rows, const QString &heading)
{
    QTextStream out(stdout);
    out << "\n" << heading << "\n\n";
    out << "| # | measure | Kini Explorer | reference | ratio | target | met |\n";
    out << "|---|---|---|---|---|---|---|\n";
    for (const BenchRow &row : rows) {
        const QString ratio
                = row.ratio < 0 ? QStringLiteral("–") : QString::number(row.ratio, 'f', 3);
        out << "| " << row.id << " | " << row.what << " | " << row.kini << " | " << row.reference
            << " | " << ratio << " | " << row.target << " | "
            << (row.met ? QStringLiteral("yes") : QStringLiteral("**no**")) << " |\n";
    }
    out << "\n";
    for (const BenchRow &row : rows) {
        if (!row.note.isEmpty())
            out << "- " << row.id << ": " << row.note << "\n";
    }
    out.flush();
}

void progress(const QString &text)
{
    std::fprintf(stderr, "kini-bench: %s\n", qPrintable(text));
    std::fflush(stderr);
}

void Waiter::done()
{
    m_done = true;
    m_loop.quit();
}

bool Waiter::wait(int timeoutMs)
{
    if (!m_done) {
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &m_loop, &QEventLoop::quit);
        timeout.start(timeoutMs);
        m_loop.exec();
    }
    const bool done = m_done;
    m_done = false;
    return done;
}
