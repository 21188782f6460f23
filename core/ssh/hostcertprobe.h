// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QByteArray>

#include <chrono>
#include <functional>

namespace Opsdeck::HostCert {

/**
 * Asks an SSH server for its host certificate: a key exchange over `fd` (a fresh connection)
 * offering only `algorithms` as host-key types, read up to the server's ECDH reply, whose host
 * key is the certificate; then the connection is dropped. The certificate is public: what makes
 * it worth anything is its CA signature and that the key it certifies is the one the real
 * session proved it holds — the caller checks both. Blocking with a deadline; `stopping` is
 * polled so a shutdown interrupts it. Closes `fd`.
 */
Result<QByteArray> fetchCertificate(int fd, const QByteArray &algorithms,
                                    std::chrono::steady_clock::time_point deadline,
                                    const std::function<bool()> &stopping);

} // namespace Opsdeck::HostCert
