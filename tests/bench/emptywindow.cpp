// kini-bench-emptywindow: the reference of the start-up and idle rows, the least a Qt Widgets
// program does to show a main window. Like kini-explorer, with KINI_BENCH_WHEN_SHOWN set it
// prints "KINI-SHOWN" once the window has been painted for the first time, and with the value
// "exit" then quits. With --label the window shows one line of text: what drawing any text
// (fontconfig, a font file) adds to an empty window.
#include "FirstPaintReporter.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>
int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setWindowTitle(QStringLiteral("Empty"));
    window.resize(1200, 760); // the explorer's size: the same number of pixels to paint
    if (QCoreApplication::arguments().contains(QStringLiteral("--label")))
        window.setCentralWidget(new QLabel(QStringLiteral("Kini Explorer"), &window));
    const QByteArray when = qgetenv("KINI_BENCH_WHEN_SHOWN");
    Kini::FirstPaintReporter reporter(when == "exit");
    if (!when.isEmpty())
        reporter.watch(&window);
    window.show();
    return app.exec();
}
