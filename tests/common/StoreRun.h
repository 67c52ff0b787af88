#pragma once

#include "SecretStore.h"

#include <QTest>

#include <functional>

// Runs one asynchronous SecretStore operation and waits for its answer (event loop polling,
// bounded; no sleep). A store that never answers gives Failed with a message saying so.
inline Kini::StoreResult
runStoreOperation(const std::function<void(Kini::SecretStore::Callback)> &operation,
                  int timeoutMs = 40000)
{
    Kini::StoreResult out;
    bool done = false;
    operation([&](const Kini::StoreResult &result) {
        out = result;
        done = true;
    });
    if (!QTest::qWaitFor([&done]() { return done; }, timeoutMs)) {
        out.status = Kini::StoreResult::Failed;
        out.message = QStringLiteral("no answer from the keychain in %1 s").arg(timeoutMs / 1000);
    }
    return out;
}
