// SPDX-License-Identifier: GPL-3.0-or-later
// The host certificate reader on any bytes (a server sends them before anything is verified):
// no crash, no read out of bounds; whatever parses has a signature check that terminates, and a
// certificate no @cert-authority line lists is never vouched for.
#include "ssh/hostcert.h"

#include <QDateTime>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray blob(reinterpret_cast<const char *>(data), qsizetype(size));
    const Opsdeck::Result<Opsdeck::HostCert::Certificate> cert = Opsdeck::HostCert::parse(blob);
    if (!cert)
        return 0;
    (void)Opsdeck::HostCert::verifySignature(cert.value());
    const Opsdeck::HostCert::Vouch vouch =
        Opsdeck::HostCert::vouchFor(blob, cert->plainKeyBlob, "host.example", "host.example", {},
                                    QDateTime::currentDateTimeUtc());
    if (vouch.status == Opsdeck::HostCert::Vouch::Status::Vouched)
        std::abort();
    return 0;
}
