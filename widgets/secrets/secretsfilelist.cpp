// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretsfilelist.h"

#include "workspace/workspace.h"

#include <QDir>
#include <QFileInfo>

namespace Opsdeck {

namespace {
constexpr int PathRole = Qt::UserRole;
constexpr int LabelRole = Qt::UserRole + 1; // the text without the unsaved marker
} // namespace

SecretsFileListView::SecretsFileListView(QWidget *parent)
    : QListWidget(parent)
{
    setObjectName(QStringLiteral("secretsFiles"));
    setMinimumWidth(150);
    connect(this, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item && !item->data(PathRole).toString().isEmpty())
            emit fileChosen(item->data(PathRole).toString());
    });
}

QStringList SecretsFileListView::setFiles(const SecretsFileList &list, const Workspace &workspace,
                                          const QString &environment)
{
    const QSignalBlocker quiet(this);
    clear();
    m_workspaceDirectory = workspace.directory;
    QStringList all;
    addHeading(tr("%1 secrets").arg(environment));
    for (const QString &path : list.environmentFiles)
        all << addFile(path, QFileInfo(path).fileName())->data(PathRole).toString();
    // Another environment's files carry its name (and its protection when saved).
    if (!list.otherEnvironmentFiles.isEmpty()) {
        addHeading(tr("Other environments"));
        for (auto it = list.otherEnvironmentFiles.cbegin(); it != list.otherEnvironmentFiles.cend();
             ++it) {
            const EnvironmentSpec *owner = workspace.environment(it.key());
            const QString protection = owner && owner->isProtected ? tr(", protected") : QString();
            for (const QString &path : it.value()) {
                addFile(path,
                        tr("%1  (%2%3)").arg(QFileInfo(path).fileName(), it.key(), protection));
                all << path;
            }
        }
    }
    if (!list.ruleMatchedFiles.isEmpty()) {
        addHeading(tr("Other files (.sops.yaml)"));
        for (const QString &path : list.ruleMatchedFiles)
            all << addFile(path, QFileInfo(path).fileName())->data(PathRole).toString();
    }
    return all;
}

void SecretsFileListView::addNewFile(const QString &path)
{
    const QSignalBlocker quiet(this);
    addFile(path, QFileInfo(path).fileName());
    setModified(path, true);
}

void SecretsFileListView::setCurrentPath(const QString &path)
{
    if (QListWidgetItem *item = itemOf(path)) {
        const QSignalBlocker quiet(this);
        setCurrentItem(item);
    }
}

void SecretsFileListView::setModified(const QString &path, bool modified)
{
    if (QListWidgetItem *item = itemOf(path))
        item->setText(item->data(LabelRole).toString() +
                      (modified ? QStringLiteral(" *") : QString()));
}

QListWidgetItem *SecretsFileListView::addFile(const QString &path, const QString &label)
{
    auto *item = new QListWidgetItem(label, this);
    item->setData(PathRole, path);
    item->setData(LabelRole, label);
    item->setToolTip(QDir(m_workspaceDirectory).relativeFilePath(path));
    return item;
}

QListWidgetItem *SecretsFileListView::itemOf(const QString &path) const
{
    for (int row = 0; row < count(); ++row)
        if (item(row)->data(PathRole).toString() == path)
            return item(row);
    return nullptr;
}

void SecretsFileListView::addHeading(const QString &text)
{
    auto *item = new QListWidgetItem(text, this);
    item->setFlags(Qt::NoItemFlags);
    QFont font = item->font();
    font.setBold(true);
    item->setFont(font);
}

} // namespace Opsdeck
