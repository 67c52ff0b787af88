#!/usr/bin/python3
"""Kini demo and reference server: Django REST framework with SimpleJWT on 127.0.0.1.

Serve (prints "KINI-SERVER-LISTENING <port>" on stdout once connections are accepted):
    /usr/bin/python3 serve.py --port 0 [--fallback-ports N] [--exit-on-stdin-eof]
Manage the same database (e.g. from tests):
    /usr/bin/python3 serve.py manage deactivate demo

Settings come from the environment:
    KINI_ACCESS_SECONDS   access token lifetime (300)
    KINI_REFRESH_SECONDS  refresh token lifetime (86400)
    KINI_ROTATE           1: rotate refresh tokens and blacklist the old one; 0: SimpleJWT's default
    KINI_DATA_DIR         folder for the sqlite database and the signing key (a temporary folder,
                          removed on exit, when unset)
    KINI_USER, KINI_PASSWORD  the seeded user (demo / demo-password)

Requests are logged to stderr as method, path, status and size only: never headers or bodies,
so no token reaches the log.
"""

import argparse
import errno
import os
import secrets
import shutil
import signal
import socketserver
import sys
import tempfile
import threading
from datetime import timedelta
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

SERVER_DIR = os.path.dirname(os.path.abspath(__file__))
LISTENING_MARKER = "KINI-SERVER-LISTENING"
EXIT_PORT_IN_USE = 3


def env_int(name, default):
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"serve.py: {name} must be an integer, not {value!r}")


def signing_key(data_dir):
    # Kept next to the database so that tokens stay valid when the server restarts on the same
    # data folder (the explorer keeps its refresh token in the keychain between runs).
    path = os.path.join(data_dir, "signing-key")
    if not os.path.exists(path):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(48))
    with open(path) as key_file:
        return key_file.read().strip()


def configure(data_dir):
    from django.conf import settings

    rotate = env_int("KINI_ROTATE", 1) != 0
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]"],
        SECRET_KEY=signing_key(data_dir),
        ROOT_URLCONF="kinidemo.urls",
        MIDDLEWARE=[],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "rest_framework",
            # Installed even with rotation off so that token/blacklist/ (sign-out) works.
            "rest_framework_simplejwt.token_blacklist",
            "kinidemo",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(data_dir, "kini.sqlite3"),
                # Requests run on several threads and tests write from a second process.
                "OPTIONS": {"timeout": 20},
            }
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        TIME_ZONE="UTC",
        USE_I18N=False,
        # Server errors (with their traceback) only; 4xx answers are in the request log already.
        LOGGING={
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "kini-server: %(levelname)s %(name)s: %(message)s"}},
            "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "loggers": {"django": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
        },
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [
                "rest_framework_simplejwt.authentication.JWTAuthentication"
            ],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            "UNAUTHENTICATED_USER": None,
        },
        SIMPLE_JWT={
            "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env_int("KINI_ACCESS_SECONDS", 300)),
            "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env_int("KINI_REFRESH_SECONDS", 86400)),
            "ROTATE_REFRESH_TOKENS": rotate,
            "BLACKLIST_AFTER_ROTATION": rotate,
            "UPDATE_LAST_LOGIN": False,
        },
    )
    import django

    django.setup()


def prepare_database():
    from django.core.management import call_command

    # The demo app has no migration files: run_syncdb creates its table.
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


def seed_user(username, password):
    from django.contrib.auth import get_user_model

    from kinidemo.models import Item

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.email = f"{username}@example.com"
    user.is_active = True
    user.set_password(password)
    user.save()
    if not Item.objects.filter(owner=user).exists():
        Item.objects.bulk_create(
            [
                Item(owner=user, name="Espresso beans", description="Dark roast, 1 kg bag",
                     quantity=3),
                Item(owner=user, name="Milk frother", description="Handheld, battery powered",
                     quantity=1),
                Item(owner=user, name="Paper filters", description="Size 4, unbleached",
                     quantity=200),
            ]
        )


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietRequestHandler(WSGIRequestHandler):
    # Method, path, status and size only: no headers (Authorization), no body, and no query
    # string, where a careless client might put a token.
    def log_message(self, format, *args):
        sys.stderr.write(f"kini-server: {self.address_string()} {format % args}\n")

    def log_request(self, code="-", size="-"):
        path, query_mark, _ = self.path.partition("?")
        self.log_message('"%s %s%s" %s %s', self.command, path, query_mark and "?...", code,
                         size)


def bind(port, fallback_ports):
    last = port + fallback_ports if port else port
    for candidate in range(port, last + 1):
        try:
            return ThreadingWSGIServer(("127.0.0.1", candidate), QuietRequestHandler)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            print(f"serve.py: 127.0.0.1:{candidate} is in use", file=sys.stderr)
    sys.exit(EXIT_PORT_IN_USE)


class Stop(Exception):
    pass


def raise_stop(signum, frame):
    raise Stop()


def stop_when_stdin_closes():
    # The parent keeps a pipe on our stdin open while it lives. If it dies without stopping us
    # (a test killed by a timeout), the pipe closes: stop instead of lingering as an orphan.
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def serve(args):
    signal.signal(signal.SIGTERM, raise_stop)
    signal.signal(signal.SIGINT, raise_stop)
    if args.exit_on_stdin_eof:
        threading.Thread(target=stop_when_stdin_closes, daemon=True).start()

    temporary = None
    data_dir = os.environ.get("KINI_DATA_DIR", "")
    if not data_dir:
        temporary = tempfile.mkdtemp(prefix="kini-server-")
        data_dir = temporary
    os.makedirs(data_dir, exist_ok=True)

    server = None
    try:
        configure(data_dir)
        prepare_database()
        seed_user(os.environ.get("KINI_USER") or "demo",
                  os.environ.get("KINI_PASSWORD") or "demo-password")

        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        server = bind(args.port, args.fallback_ports)
        server.set_app(application)
        # The socket listens already: connections made from now on wait in the backlog.
        print(f"{LISTENING_MARKER} {server.server_address[1]}", flush=True)
        server.serve_forever()
    except Stop:
        pass
    finally:
        if server is not None:
            server.server_close()
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    return 0


def manage(argv):
    data_dir = os.environ.get("KINI_DATA_DIR", "")
    if not data_dir or not os.path.exists(os.path.join(data_dir, "kini.sqlite3")):
        sys.exit("serve.py manage: KINI_DATA_DIR must name the data folder of a started server")
    configure(data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["serve.py manage"] + argv)
    return 0


def main():
    sys.path.insert(0, SERVER_DIR)
    if len(sys.argv) > 1 and sys.argv[1] == "manage":
        return manage(sys.argv[2:])

    parser = argparse.ArgumentParser(description="Kini demo SimpleJWT server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--fallback-ports", type=int, default=0, metavar="N",
                        help="when the port is taken, try the N following ones")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when standard input closes (the parent process is gone)")
    return serve(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
