// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/hostkey.h"

#include <QDialog>

namespace Opsdeck {

/** "Can't establish the authenticity of host …": shows the SHA256 fingerprint; default is No. */
class HostKeyDialog final : public QDialog
{
    Q_OBJECT

public:
    HostKeyDialog(const HostKeyInfo &info, QWidget *parent = nullptr);

signals:
    void decided(Opsdeck::HostKeyDecision decision);

private:
    bool m_decided = false;
};

} // namespace Opsdeck
