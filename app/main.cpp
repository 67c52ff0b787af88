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
#include <QSettings>

#include <cstring>
#include <thread>

#ifdef KINI_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

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

// Fontconfig reads its configuration and font caches (about 5 ms) the first time any text is
// measured, which is in the middle of building the first window. Started first thing on a
// thread of its own, that work overlaps with making the application; start-up waits for it
// (done()) just before building windows, so fontconfig never loads twice. FcInit() is safe on
// any thread, and later calls return at once.
class FontconfigWarmUp
{
public:
    FontconfigWarmUp()
    {
#ifdef KINI_HAVE_FONTCONFIG
        m_thread = std::thread([] { FcInit(); });
#endif
    }
    ~FontconfigWarmUp()
    {
        done();
    }
    FontconfigWarmUp(const FontconfigWarmUp &) = delete;
    FontconfigWarmUp &operator=(const FontconfigWarmUp &) = delete;

    void done()
    {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::thread m_thread;
};

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
    FontconfigWarmUp fontconfig;
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
    shownReporter.setOnPainted([] { Kini::startupMark("explorer painted, session restored"); });
    Kini::FirstPaintReporter windowReporter(false);
    controller.setBeforeFirstWindow([&fontconfig] {
        fontconfig.done();
        Kini::startupMark("fontconfig ready");
    });
    controller.start(parser.value(options.server), parser.value(options.user));
    if (!whenShown.isEmpty()) {
        // What counts is the explorer as the user can use it: its first paint once the session
        // is back (the window itself comes up before the keychain and the server answer).
        shownReporter.setCondition([&controller, &session](QObject *painted) {
            const auto *widget = qobject_cast<QWidget *>(painted);
            return widget && controller.explorerVisible()
                    && widget->window() == controller.explorer()
                    && session.state() == Kini::TokenSession::State::Active;
        });
        shownReporter.watch(&app);
        // And when the explorer is first on screen, session or not.
        if (controller.explorerVisible()) {
            windowReporter.setLine("KINI-WINDOW");
            windowReporter.watch(controller.explorer());
        }
    }
    Kini::startupMark("start asked");
    return app.exec();
}
