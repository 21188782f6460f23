// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secrets/secretsfiles.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace Opsdeck {

/**
 * What sops keeps beside the values: format, version, last change, whether the MAC verified,
 * the encryption rule, and who can open the file (with "you" where one of your identities
 * matches). Recipients are added and removed here; both need a save to take effect.
 */
class SecretsMetadataPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit SecretsMetadataPanel(QWidget *parent = nullptr);

    void setFile(const OpenedSecretsFile *file, bool modified);
    QTreeWidget *recipients() const { return m_recipients; }
    QLabel *macLabel() const { return m_mac; }

signals:
    void addRecipientRequested(const QString &recipient);
    void removeRecipientRequested(const QString &recipient);
    void rotateRequested();

private:
    QLabel *m_path, *m_format, *m_version, *m_modified, *m_mac, *m_rule, *m_notes;
    QTreeWidget *m_recipients;
    QLineEdit *m_newRecipient;
    QPushButton *m_add, *m_remove, *m_rotate;
};

} // namespace Opsdeck
