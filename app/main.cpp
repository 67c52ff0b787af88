#include "AppController.h"
#include "CertificateTrust.h"
#include "ExplorerWindow.h"
#include "FirstPaintReporter.h"
#include "Interceptor.h"
#include "KeychainSecretStore.h"
#include "KiniLog.h"
#include "TokenSession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTimer>

#include <cstring>

namespace {

struct Options
{
    QCommandLineOption server {QStringLiteral("server"),
                               QStringLiteral("API base URL, e.g. http://127.0.0.1:8000/api/"),
                               QStringLiteral("URL")};
    QCommandLineOption user {QStringLiteral("user"),
                             QStringLiteral("Username to sign in or resume as"),
                             QStringLiteral("NAME")};
};

void setUpParser(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(
            QStringLiteral("A desktop client for REST APIs protected with JSON Web Tokens."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(options.server);
    parser.addOption(options.user);
}

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Kini"));
    QCoreApplication::setApplicationName(QStringLiteral("Kini Explorer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KINI_VERSION));
}

// --help and --version must work without a display, e.g. over ssh.
bool wantsTextOnly(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        for (const char *flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], flag) == 0)
                return true;
        }
    }
    return false;
}

void setWindowIcon()
{
    QIcon icon;
    for (int size : {32, 64, 256})
        icon.addFile(QStringLiteral(":/kini/kini-explorer-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);
}

} // namespace

int main(int argc, char *argv[])
{
    Kini::startupMark("main");
    const Options options;
    if (wantsTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        QCommandLineParser parser;
        setUpParser(parser, options);
        parser.process(app); // prints and exits
        return 0;
    }

    // The resources live in the static kini_ui library, whose initializer the linker would drop.
    Q_INIT_RESOURCE(resources);
    QApplication app(argc, argv);
    Kini::startupMark("application made");
    // AppController decides when to end (it may wait for a refresh after the last window).
    QApplication::setQuitOnLastWindowClosed(false);
    setApplicationNames();
    QApplication::setDesktopFileName(QStringLiteral("kini-explorer"));


    QCommandLineParser parser;
    setUpParser(parser, options);
    parser.process(app);

    QSettings settings;
    Kini::Interceptor interceptor;
    Kini::KeychainSecretStore store(QStringLiteral("Kini Explorer"));
    Kini::TokenSession session(&interceptor, &store);
    interceptor.setSession(&session);

    // Judges the TLS errors of every request: only certificates the user pinned get through.
    Kini::CertificateTrust trust(&settings);
    trust.attach(&interceptor);

    Kini::AppController controller(&interceptor, &session, &settings);
    controller.setCertificateTrust(&trust);
    QObject::connect(&controller, &Kini::AppController::quitRequested, &app, &QApplication::quit);
    const QByteArray whenShown = qgetenv("KINI_BENCH_WHEN_SHOWN");
    Kini::FirstPaintReporter shownReporter(whenShown == "exit");
    shownReporter.setOnPainted([] { Kini::startupMark("explorer painted"); });
    controller.start(parser.value(options.server), parser.value(options.user));
    if (!whenShown.isEmpty())
        controller.explorer()->installEventFilter(&shownReporter);
    Kini::startupMark("start asked");
    // Loading the icon loads every image plugin (and libjpeg): Qt 6.4 asks each plugin about a
    // PNG even when told its format. Nothing needs it before the event loop runs, where it fills
    // a wait for the keychain or the server instead of delaying the first window.
    QTimer::singleShot(0, &app, setWindowIcon);
    return app.exec();
}
