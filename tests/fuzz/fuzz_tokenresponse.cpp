// libFuzzer target for parseTokenResponse, the one function that judges what a token endpoint
// answered. Besides "no crash, no sanitizer report", it checks what the rest of the client relies
// on: a token it is handed can be sent in a header, and a failure stores nothing. A broken
// property aborts with a message, which libFuzzer records as a crash with its input.
//
// An input reads like a tiny HTTP answer, so the seeds stay legible:
//
//   200                  <- status: the first line as a decimal number (0 if it is not one)
//   application/json     <- Content-Type: the second line
//   {"access": "..."}    <- body: every byte after the second line break, CR and LF included
//
// A missing line leaves the rest empty. Both calls (obtain, refresh) judge every input.

#include "ServerConfig.h"
#include "TokenResponse.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using Kini::ApiError;
using Kini::TokenCall;
using Kini::TokenResponse;

namespace {

void require(bool holds, const char *what)
{
    if (holds)
        return;
    std::fprintf(stderr, "fuzz_tokenresponse: broken invariant: %s\n", what);
    std::abort();
}

struct Answer
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

QByteArray takeLine(QByteArray *rest)
{
    const qsizetype end = rest->indexOf('\n');
    QByteArray line = end < 0 ? *rest : rest->left(end);
    *rest = end < 0 ? QByteArray() : rest->mid(end + 1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

Answer split(const QByteArray &input)
{
    Answer answer;
    QByteArray rest = input;
    bool ok = false;
    answer.status = takeLine(&rest).trimmed().toInt(&ok);
    if (!ok)
        answer.status = 0;
    answer.contentType = takeLine(&rest);
    answer.body = rest;
    return answer;
}

// RFC 6750 section 2.1, written out independently of isHeaderSafeToken:
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool isB64Token(const QByteArray &token)
{
    qsizetype i = 0;
    while (i < token.size()) {
        const char c = token.at(i);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || QByteArray("-._~+/").contains(c))) {
            break;
        }
        ++i;
    }
    if (i == 0)
        return false;
    while (i < token.size() && token.at(i) == '=')
        ++i;
    return i == token.size();
}

void checkHeaderSafe(const QByteArray &token)
{
    if (!Kini::isHeaderSafeToken(token))
        return;
    require(isB64Token(token), "a header-safe token is an RFC 6750 b64token");
    for (const char c : token)
        require(uchar(c) > 0x20 && uchar(c) < 0x7f, "a header-safe token is visible ASCII");
}

void checkJudgement(TokenCall call, const Answer &answer, const TokenResponse &out)
{
    require(out.status == answer.status, "the status is kept");
    switch (out.outcome) {
    case TokenResponse::Tokens:
        require(answer.status == 200 || answer.status == 201, "tokens come with a 200 or 201");
        require(!out.access.isEmpty(), "Tokens has an access token");
        require(Kini::isHeaderSafeToken(out.access), "the access token is header-safe");
        require(out.refresh.isEmpty() || Kini::isHeaderSafeToken(out.refresh),
                "the refresh token is empty or header-safe");
        require(call == TokenCall::Refresh || !out.refresh.isEmpty(),
                "a sign-in gives a refresh token");
        require(out.error.kind == ApiError::None, "Tokens carries no error");
        break;
    case TokenResponse::Rejected:
        require(answer.status == 401, "only a 401 rejects");
        require(out.access.isEmpty() && out.refresh.isEmpty(), "Rejected carries no token");
        require(out.error.kind
                        == (call == TokenCall::Obtain ? ApiError::WrongCredentials
                                                      : ApiError::SessionExpired),
                "a rejection is wrong credentials (obtain) or an ended session (refresh)");
        break;
    case TokenResponse::Failed:
        require(out.access.isEmpty() && out.refresh.isEmpty(), "Failed carries no token");
        require(out.error.kind != ApiError::None, "Failed says what went wrong");
        break;
    }
    if (out.error.isError()) {
        require(!out.error.message.isEmpty(), "an error has a message");
        require(out.error.httpStatus == answer.status, "an error names the status");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Kini::ServerConfig config;
    const QByteArray input
            = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const Answer answer = split(input);
    for (const TokenCall call : {TokenCall::Obtain, TokenCall::Refresh}) {
        const TokenResponse out = Kini::parseTokenResponse(call, answer.status, answer.contentType,
                                                           answer.body, config);
        checkJudgement(call, answer, out);
    }
    checkHeaderSafe(input);
    checkHeaderSafe(answer.body);
    return 0;
}
