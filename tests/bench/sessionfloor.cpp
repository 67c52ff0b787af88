// kini-bench-sessionfloor: the least any client can do for row 4's resumed session, with none of
// Kini Explorer's code. It reads the saved refresh token with QtKeychain, posts it to the token
// refresh endpoint with a plain QNetworkAccessManager and, once the answer is in, prints
// "KINI-SHOWN" (with KINI_BENCH_WHEN_SHOWN=exit it then quits). Without --window it shows no
// window at all: what a resume costs before anything is drawn. With --window it also shows the
// reference's QMainWindow with one QLabel, built while the keychain and the server work, and
// reports once both the answer is in and the window has been painted.
//
//   kini-bench-sessionfloor SERVICE KEY REFRESH-URL [--window]
#include <QApplication>
#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMainWindow>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <cstdio>
#include <memory>

namespace {

// Reports once every awaited part is done.
class Finish
{
public:
    Finish(int parts, bool quit)
        : m_left(parts)
        , m_quit(quit)
    {
    }

    void partDone()
    {
        if (--m_left != 0)
            return;
        std::puts("KINI-SHOWN");
        std::fflush(stdout);
        if (m_quit)
            QCoreApplication::quit();
    }

private:
    int m_left;
    bool m_quit;
};

// Calls done() once the watched window has been painted, children included.
class PaintWatcher final : public QObject
{
public:
    explicit PaintWatcher(Finish *finish)
        : m_finish(finish)
    {
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            watched->removeEventFilter(this);
            QTimer::singleShot(0, this, [this] { m_finish->partDone(); });
        }
        return false;
    }

private:
    Finish *m_finish;
};

} // namespace

int main(int argc, char *argv[])
{
    if (argc < 4) {
        std::fputs("usage: kini-bench-sessionfloor SERVICE KEY REFRESH-URL [--window]\n", stderr);
        return 2;
    }
    const bool withWindow = argc > 4 && qstrcmp(argv[4], "--window") == 0;
    std::unique_ptr<QCoreApplication> app(withWindow ? new QApplication(argc, argv)
                                                     : new QCoreApplication(argc, argv));
    const QString service = QString::fromLocal8Bit(argv[1]);
    const QString key = QString::fromLocal8Bit(argv[2]);
    const QUrl refreshUrl(QString::fromLocal8Bit(argv[3]));
    Finish finish(withWindow ? 2 : 1, qgetenv("KINI_BENCH_WHEN_SHOWN") == "exit");

    QNetworkAccessManager network;
    auto *job = new QKeychain::ReadPasswordJob(service);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, &network, [&](QKeychain::Job *) {
        if (job->error() != QKeychain::NoError) {
            std::fputs("kini-bench-sessionfloor: the keychain read failed\n", stderr);
            QCoreApplication::exit(1);
            return;
        }
        QNetworkRequest request(refreshUrl);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        const QJsonObject body {{QStringLiteral("refresh"), job->textData()}};
        QNetworkReply *reply
                = network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QObject::connect(reply, &QNetworkReply::finished, &network, [&, reply] {
            reply->deleteLater();
            const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
            if (reply->error() != QNetworkReply::NoError
                || !answer.contains(QStringLiteral("access"))) {
                std::fputs("kini-bench-sessionfloor: the refresh failed\n", stderr);
                QCoreApplication::exit(1);
                return;
            }
            finish.partDone();
        });
    });
    job->start();

    std::unique_ptr<QMainWindow> window;
    PaintWatcher painted(&finish);
    if (withWindow) {
        window = std::make_unique<QMainWindow>();
        window->resize(1200, 760);
        window->setCentralWidget(new QLabel(QStringLiteral("Kini Explorer"), window.get()));
        window->installEventFilter(&painted);
        window->show();
    }
    return app->exec();
}
