// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretsmetadatapanel.h"

#include "statuscolors.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QLabel *valueLabel()
{
    auto *label = new QLabel;
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QString ruleText(const Sops::SopsDocument &doc)
{
    for (const char *key : {"encrypted_regex", "encrypted_suffix", "unencrypted_regex",
                            "unencrypted_comment_regex", "encrypted_comment_regex"}) {
        const QString value = doc.metadataText(QLatin1String(key));
        if (!value.isEmpty())
            return QStringLiteral("%1: %2").arg(QLatin1String(key), value);
    }
    const QString suffix = doc.metadataText(QStringLiteral("unencrypted_suffix"));
    return doc.format() == Sops::Format::Binary
               ? QObject::tr("the whole file")
               : QObject::tr("all but *%1 keys")
                     .arg(suffix.isEmpty() ? QStringLiteral("_unencrypted") : suffix);
}

} // namespace

SecretsMetadataPanel::SecretsMetadataPanel(QWidget *parent)
    : QWidget(parent)
    , m_path(valueLabel())
    , m_format(valueLabel())
    , m_version(valueLabel())
    , m_modified(valueLabel())
    , m_mac(valueLabel())
    , m_rule(valueLabel())
    , m_notes(valueLabel())
    , m_recipients(new QTreeWidget)
    , m_newRecipient(new QLineEdit)
    , m_add(new QPushButton(tr("Add")))
    , m_remove(new QPushButton(tr("Remove")))
    , m_rotate(new QPushButton(tr("Rotate data key…")))
{
    auto *form = new QFormLayout;
    form->addRow(tr("File"), m_path);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("sops version"), m_version);
    form->addRow(tr("Last modified"), m_modified);
    form->addRow(tr("MAC"), m_mac);
    form->addRow(tr("Encrypted"), m_rule);

    m_recipients->setHeaderLabels({tr("Type"), tr("Who can open it")});
    m_recipients->setRootIsDecorated(false);
    m_recipients->setTextElideMode(Qt::ElideMiddle);
    m_recipients->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_newRecipient->setPlaceholderText(QStringLiteral("age1…"));
    m_notes->setStyleSheet(QStringLiteral("color: %1").arg(healthColor(Health::Warning).name()));

    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_newRecipient, 1);
    addRow->addWidget(m_add);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_remove);
    buttons->addStretch();
    buttons->addWidget(m_rotate);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("<b>Recipients</b> (changes take effect when you save)")));
    layout->addWidget(m_recipients, 1);
    layout->addLayout(addRow);
    layout->addLayout(buttons);
    layout->addWidget(m_notes);

    connect(m_add, &QPushButton::clicked, this, [this] {
        if (!m_newRecipient->text().trimmed().isEmpty())
            emit addRecipientRequested(m_newRecipient->text().trimmed());
        m_newRecipient->clear();
    });
    connect(m_newRecipient, &QLineEdit::returnPressed, m_add, &QPushButton::click);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem *item = m_recipients->currentItem())
            emit removeRecipientRequested(item->data(1, Qt::UserRole).toString());
    });
    connect(m_rotate, &QPushButton::clicked, this, &SecretsMetadataPanel::rotateRequested);
    connect(m_recipients, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        m_remove->setEnabled(item && item->text(0) == QLatin1String("age"));
    });
    setFile(nullptr, false);
}

void SecretsMetadataPanel::setFile(const OpenedSecretsFile *file, bool modified)
{
    const Sops::SopsDocument *doc = file ? file->document.get() : nullptr;
    setEnabled(doc != nullptr);
    m_recipients->clear();
    if (!doc) {
        for (QLabel *label : {m_path, m_format, m_version, m_modified, m_mac, m_rule, m_notes})
            label->clear();
        return;
    }
    m_path->setText(QFileInfo(file->path).fileName());
    m_path->setToolTip(file->path);
    m_format->setText(Sops::formatName(doc->format()));
    m_version->setText(doc->metadataText(QStringLiteral("version")));
    m_modified->setText(doc->metadataText(QStringLiteral("lastmodified")) +
                        (modified ? tr(" (unsaved changes)") : QString()));
    const Health macHealth = doc->macVerified() ? Health::Good : Health::Critical;
    m_mac->setText(QStringLiteral("<span style='color:%1'>●</span> %2")
                       .arg(healthColor(macHealth).name(), doc->macStatus().toHtmlEscaped()));
    m_rule->setText(ruleText(*doc));
    for (const Sops::MasterKey &key : doc->masterKeys()) {
        const bool mine = key.type == QLatin1String("age") && file->myRecipients.contains(key.id);
        auto *item = new QTreeWidgetItem(m_recipients,
                                         {key.type, key.id + (mine ? tr("  (you)") : QString())});
        item->setData(1, Qt::UserRole, key.id);
        item->setToolTip(1, key.type == QLatin1String("age")
                                ? key.id
                                : tr("%1 key: kept as it is; Opsdeck cannot use it").arg(key.type));
        if (key.group >= 0)
            item->setText(0, QStringLiteral("%1 (group %2)").arg(key.type).arg(key.group + 1));
    }
    m_remove->setEnabled(false);
    m_notes->setText(file->notes.join(QLatin1Char('\n')));
}

} // namespace Opsdeck
