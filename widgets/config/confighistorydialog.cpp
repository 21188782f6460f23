// SPDX-License-Identifier: GPL-3.0-or-later
#include "confighistorydialog.h"

#include "common/formatting.h"
#include "common/futures.h"
#include "configdiffview.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace Opsdeck {

ConfigHistoryDialog::ConfigHistoryDialog(ConfigFileAccess *access, const QByteArray &current,
                                         QWidget *parent)
    : QDialog(parent)
    , m_access(access)
    , m_current(current)
    , m_list(new QListWidget(this))
    , m_diff(new ConfigDiffView(this))
    , m_status(new QLabel(tr("Listing previous versions…"), this))
{
    setWindowTitle(tr("History of %1").arg(access->spec().location));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_restore = buttons->addButton(tr("Restore this version…"), QDialogButtonBox::ActionRole);
    m_restore->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_restore, &QPushButton::clicked, this,
            [this] { emit restoreRequested(m_selectedPath, m_selected); });
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            showBackup(item->data(Qt::UserRole).toString());
    });
    auto *split = new QSplitter(this);
    split->addWidget(m_list);
    split->addWidget(m_diff);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(860, 480);

    onFinished(m_access->backups(), this, [this](const Result<QList<ConfigBackup>> &backups) {
        m_loaded = true;
        if (!backups) {
            m_status->setText(
                tr("Could not list previous versions: %1").arg(backups.errorString()));
        } else if (backups->isEmpty()) {
            m_status->setText(tr("No previous versions yet: one is kept at every save."));
        } else {
            m_status->setText(tr("%1; select one to see what restoring it would change.")
                                  .arg(countOf(backups->size(), tr("previous version"),
                                               tr("previous versions"))));
            for (const ConfigBackup &b : *backups) {
                const QString when = b.taken.isValid() ? QLocale().toString(b.taken.toLocalTime(),
                                                                            QLocale::ShortFormat)
                                                       : b.path.section(QLatin1Char('/'), -1);
                auto *item = new QListWidgetItem(tr("%1 (%2 bytes)").arg(when).arg(b.size), m_list);
                item->setData(Qt::UserRole, b.path);
                item->setToolTip(b.path);
            }
        }
        emit backupsListed();
    });
}

void ConfigHistoryDialog::showBackup(const QString &path)
{
    m_restore->setEnabled(false);
    m_selectedPath = path;
    onFinished(m_access->readBackup(path), this, [this, path](const Result<ConfigSnapshot> &read) {
        if (path != m_selectedPath)
            return; // another one was selected meanwhile
        if (!read) {
            m_status->setText(read.errorString());
            return;
        }
        m_selected = read->bytes;
        m_diff->showDiff(m_selected, m_current); // old → new, as `diff -u old new` reads
        m_status->setText(m_diff->changedLines() == 0
                              ? tr("This version is the same as the current file.")
                              : tr("Changes since this version: - lines were in it, + lines came "
                                   "later. Restoring it undoes them."));
        m_restore->setEnabled(m_diff->changedLines() > 0);
        emit backupShown();
    });
}

} // namespace Opsdeck
