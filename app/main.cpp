#include "AppController.h"
#include "CertificateTrust.h"
#include "ExplorerWindow.h"
#include "FirstPaintReporter.h"
#include "Interceptor.h"
#include "KeychainSecretStore.h"
#include "TokenSession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>

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

} // namespace

int main(int argc, char *argv[])
{
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
    setApplicationNames();
    QApplication::setDesktopFileName(QStringLiteral("kini-explorer"));

    // PNG renderings only: asking which formats exist would load every image plugin at start.
    QIcon icon;
    for (int size : {32, 64, 256})
        icon.addFile(QStringLiteral(":/kini/kini-explorer-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);

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
    if (!whenShown.isEmpty())
        controller.explorer()->installEventFilter(&shownReporter);
    controller.start(parser.value(options.server), parser.value(options.user));
    return app.exec();
}
