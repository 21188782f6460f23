// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretspane.h"

#include "secrets/agecrypto.h"

#include "common/dialogconfirmer.h"
#include "common/futures.h"
#include "common/messagebanner.h"
#include "common/secureclipboard.h"
#include "comparesecretsdialog.h"
#include "runtime/environmentcontext.h"
#include "secrets/sopsconfig.h"
#include "secretsfilelist.h"
#include "secretsmetadatapanel.h"
#include "secretsmodel.h"
#include "statuscolors.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace Opsdeck {

SecretsPane::SecretsPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_workspace(context.workspace())
    , m_environment(context.environment())
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_files(new SecretsFileListView)
    , m_tree(new QTreeView)
    , m_model(new SecretsModel(this))
    , m_metadata(new SecretsMetadataPanel)
{
    m_tree->setModel(m_model);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    // Keys, types and "stored" fit their text when a file opens (and can be dragged); values,
    // the long part, get the rest of the width.
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_tree->header()->setSectionResizeMode(SecretsModel::ValueColumn, QHeaderView::Stretch);
    m_tree->header()->resizeSection(SecretsModel::KeyColumn, 200);

    auto *center = new QWidget;
    auto *centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->addWidget(banner());
    centerLayout->addWidget(m_tree, 1);
    auto *splitter = new QSplitter;
    splitter->addWidget(m_files);
    splitter->addWidget(center);
    splitter->addWidget(m_metadata);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({170, 680, 320});
    buildActions();
    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addActions({m_save, m_reload});
    toolbar->addSeparator();
    toolbar->addActions({m_revealAll, m_revealOne, m_copy});
    toolbar->addSeparator();
    toolbar->addActions({m_addKey, m_delete});
    toolbar->addSeparator();
    toolbar->addActions({m_compare, m_newFile});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(splitter, 1);

    connect(m_files, &SecretsFileListView::fileChosen, this, &SecretsPane::openFile);
    connect(m_model, &SecretsModel::edited, this, &SecretsPane::markModified);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SecretsPane::updateActions);
    connect(m_metadata, &SecretsMetadataPanel::addRecipientRequested, this,
            &SecretsPane::addRecipient);
    connect(m_metadata, &SecretsMetadataPanel::removeRecipientRequested, this,
            &SecretsPane::removeRecipient);
    connect(m_metadata, &SecretsMetadataPanel::rotateRequested, this, &SecretsPane::rotateDataKey);
    listFiles();
    updateActions();
}

SecretsPane::~SecretsPane()
{
    m_model->setDocument(nullptr); // the view outlives m_open during QWidget's destruction
    for (QByteArray &passphrase : m_passphrases)
        AgeCrypto::cleanse(passphrase);
}

void SecretsPane::maskEverything()
{
    m_remask->stop();
    m_model->setRevealAll(false); // also masks the values revealed one by one
    m_revealAll->setChecked(false);
}

void SecretsPane::hideEvent(QHideEvent *event)
{
    maskEverything();
    Pane::hideEvent(event);
}

void SecretsPane::buildActions()
{
    // Revealed values stay on screen for a minute at most (KeePassXC hides them again too).
    m_remask = new QTimer(this);
    m_remask->setObjectName(QStringLiteral("remaskTimer"));
    m_remask->setSingleShot(true);
    m_remask->setInterval(60000);
    connect(m_remask, &QTimer::timeout, this, &SecretsPane::maskEverything);
    m_revealAll = addShortcutAction(
        tr("Reveal all"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), [this](bool on) {
            m_model->setRevealAll(on);
            if (on)
                m_remask->start();
        });
    m_revealAll->setCheckable(true);
    m_revealOne = addShortcutAction(tr("Reveal value"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] {
        const QModelIndex current = m_tree->currentIndex();
        m_model->setRevealed(current, !m_model->isRevealed(current));
        if (m_model->isRevealed(current))
            m_remask->start();
    });
    m_copy =
        addShortcutAction(tr("Copy value"), QKeySequence::Copy, &SecretsPane::copyCurrentValue);
    m_addKey = addShortcutAction(tr("Add key…"), QKeySequence(Qt::CTRL | Qt::Key_N), [this] {
        auto *ask = new QInputDialog(this);
        ask->setAttribute(Qt::WA_DeleteOnClose);
        ask->setLabelText(tr("Name of the new key:"));
        connect(ask, &QInputDialog::textValueSelected, this,
                [this](const QString &name) { addKey(name, {}); });
        ask->open();
    });
    m_delete =
        addShortcutAction(tr("Delete key"), QKeySequence::Delete, &SecretsPane::deleteCurrentKey);
    m_save = addShortcutAction(tr("Save"), QKeySequence::Save, &SecretsPane::save);
    m_reload =
        addShortcutAction(tr("Reload"), QKeySequence(), &SecretsPane::reload); // F5: the window's
    m_rotate = addShortcutAction(tr("Rotate data key…"), {}, &SecretsPane::rotateDataKey);
    m_compare = addShortcutAction(tr("Compare environments…"), {}, &SecretsPane::openCompareDialog);
    m_newFile = addShortcutAction(tr("New file…"), {}, [this] {
        auto *dialog = new QFileDialog(this, tr("New sops file"), m_workspace.directory);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        connect(dialog, &QFileDialog::fileSelected, this, &SecretsPane::createFile);
        dialog->open();
    });
    setPaneActions(
        {m_save, m_revealAll, m_copy, m_addKey, m_delete, m_compare, m_newFile, m_reload});
}

void SecretsPane::listFiles()
{
    banner()->showMessage(MessageBanner::Level::Information, tr("Looking for sops files…"));
    auto future = QtConcurrent::run([workspace = m_workspace, env = m_environment] {
        return listSecretsFiles(workspace, env);
    });
    onFinished(future, this, [this](const SecretsFileList &list) {
        const QStringList all = m_files->setFiles(list, m_workspace, m_environment.name);
        if (all.isEmpty()) {
            setState(State::Empty,
                     tr("Environment %1 lists no secrets files. Add them to the workspace "
                        "(environments.%1.secrets: [secrets/%1.enc.yaml]) or create one "
                        "with New file….")
                         .arg(m_environment.name));
            return;
        }
        openFile(all.first());
    });
}

void SecretsPane::openFile(const QString &path)
{
    if (m_open.contains(path)) {
        showFile(path);
        return;
    }
    banner()->showMessage(MessageBanner::Level::Information,
                          tr("Decrypting %1…").arg(QFileInfo(path).fileName()));
    onFinished(QtConcurrent::run([path, passphrases = m_passphrases] {
                   return openSecretsFile(path, passphrases);
               }),
               this, [this, path](const Result<OpenedSecretsFile> &opened) {
                   if (!opened && opened.error().code == QLatin1String("passphrase"))
                       askPassphrase(opened.error().file, path);
                   if (!opened) {
                       m_current.clear();
                       m_model->setDocument(nullptr);
                       m_metadata->setFile(nullptr, false);
                       setState(State::Error, opened.errorString());
                       emit statusMessage(opened.errorString());
                   } else {
                       setState(State::Ready); // before showFile: its notes stay
                       m_open.insert(path, OpenFile{*opened, false});
                       showFile(path);
                       emit fileOpened(path);
                   }
               });
}

void SecretsPane::showFile(const QString &path)
{
    m_current = path;
    const OpenFile &open = m_open[path];
    m_model->setDocument(open.file.document.get());
    m_tree->expandToDepth(0);
    for (const int column :
         {SecretsModel::KeyColumn, SecretsModel::TypeColumn, SecretsModel::StoredColumn})
        m_tree->resizeColumnToContents(column);
    m_metadata->setFile(&open.file, open.modified);
    const QStringList notes = open.file.notes;
    if (notes.isEmpty())
        banner()->dismiss();
    else
        banner()->showMessage(MessageBanner::Level::Warning, notes.join(QLatin1Char('\n')));
    m_files->setCurrentPath(path);
    updateActions();
}

void SecretsPane::showError(const QString &message)
{
    banner()->showMessage(MessageBanner::Level::Error, message);
    emit statusMessage(message);
}

Sops::SopsDocument *SecretsPane::document() const
{
    const auto it = m_open.constFind(m_current);
    return it == m_open.cend() ? nullptr : it->file.document.get();
}

QStringList SecretsPane::unsavedChanges() const
{
    QStringList files;
    for (auto it = m_open.cbegin(); it != m_open.cend(); ++it)
        if (it->modified)
            files << it.key();
    files.sort();
    return files;
}

bool SecretsPane::isModified(const QString &path) const
{
    return m_open.value(path).modified;
}

void SecretsPane::updateActions()
{
    Sops::SopsDocument *doc = document();
    const bool editable = doc && doc->format() != Sops::Format::Binary;
    const QModelIndex current = m_tree->currentIndex();
    for (QAction *a : {m_revealAll, m_revealOne, m_save, m_reload, m_rotate})
        a->setEnabled(doc && !m_saving);
    m_copy->setEnabled(doc && current.isValid());
    m_addKey->setEnabled(editable && !m_saving);
    m_delete->setEnabled(editable && current.isValid() && !m_saving);
    m_save->setEnabled(doc && isModified(m_current) && !m_saving);
    m_compare->setEnabled(m_workspace.environments.size() > 1);
}

void SecretsPane::markModified()
{
    if (!document())
        return;
    OpenFile &open = m_open[m_current];
    open.modified = true;
    m_metadata->setFile(&open.file, true);
    m_files->setModified(m_current, true);
    updateActions();
    emit unsavedChangesChanged();
}

void SecretsPane::save()
{
    if (!document() || !isModified(m_current) || m_saving)
        return;
    // Protection comes from the file's environment, not from this pane's (staging's pane may
    // list production.enc.yaml among the .sops.yaml files).
    const QString path = m_current;
    const QString changes = m_model->changedPaths().join(QStringLiteral(", "));
    ActionRequest r = request(ActionKind::SecretsSave, path);
    r.after = changes; // key names only, never values: the audit log is not a secrets store
    r.description = tr("Write %1 (%2) in %3 (%4)?")
                        .arg(QFileInfo(path).fileName(), changes, r.environment,
                             ownerOfFile(m_workspace, path).reason);
    m_actions.submit(
        r,
        [this, path](const ActionRequest &, ActionPipeline::Finish finish) {
            if (path != m_current)
                return finish(Result<QString>::failure(tr("another file was opened meanwhile")));
            writeCurrent(finish);
        },
        [this, path](const ActionOutcome &outcome) {
            if (!outcome.started())
                emit saveFinished(path, false);
            if (outcome.status == ActionOutcome::Status::Refused)
                showError(outcome.message);
        });
}

ActionRequest SecretsPane::request(ActionKind kind, const QString &path) const
{
    // Protection comes from the file's environment, not from this pane's (staging's pane may
    // list production.enc.yaml among the .sops.yaml files).
    const FileOwner owner = ownerOfFile(m_workspace, path);
    ActionRequest r;
    r.kind = kind;
    r.workspace = m_workspace.name;
    r.environment = confirmationName(owner, path);
    r.isProtected = owner.isProtected;
    r.target = QDir(m_workspace.directory).relativeFilePath(path);
    return r;
}

QString SecretsPane::confirmationName(const FileOwner &owner, const QString &path)
{
    // A file no environment claims is confirmed by its own name when any environment is
    // protected: there is no environment name to type.
    return owner.environment.isEmpty() ? QFileInfo(path).fileName() : owner.environment;
}

void SecretsPane::writeCurrent(ActionPipeline::Finish finish)
{
    // Encrypting and writing a large file takes a while: a worker does it, the tree waits.
    const QString path = m_current;
    const OpenFile &open = m_open[path];
    setSaving(true);
    // The worker only reads the document (the tree keeps painting from it); what the write
    // changes in the document (MAC, envelopes) is committed back here, on the UI thread.
    struct Written
    {
        Sops::SopsDocument::Encrypted encrypted;
        QByteArray digest;
    };
    auto future =
        QtConcurrent::run([document = std::shared_ptr<const Sops::SopsDocument>(open.file.document),
                           path, digest = open.file.digest]() -> Result<Written> {
            Result<Sops::SopsDocument::Encrypted> encrypted = document->encrypt();
            if (!encrypted)
                return Result<Written>(encrypted.error());
            const Result<QByteArray> saved = saveSecretsFile(path, encrypted.value().bytes, digest);
            if (!saved)
                return Result<Written>(saved.error());
            return Written{std::move(encrypted.value()), *saved};
        });
    onFinished(future, this, [this, path, finish](const Result<Written> &written) {
        setSaving(false);
        if (!written) {
            finishSave(path, Result<QByteArray>(written.error()), finish);
            return;
        }
        if (const auto it = m_open.find(path); it != m_open.end())
            it->file.document->commit(Sops::SopsDocument::Encrypted(written.value().encrypted));
        finishSave(path, written.value().digest, finish);
    });
}

void SecretsPane::setSaving(bool saving)
{
    m_saving = saving;
    m_tree->setEnabled(!saving);
    m_metadata->setEnabled(!saving && document());
    m_files->setEnabled(!saving);
    updateActions();
}

void SecretsPane::finishSave(const QString &path, const Result<QByteArray> &written,
                             ActionPipeline::Finish finish)
{
    const auto it = m_open.find(path);
    if (!written || it == m_open.end()) {
        finish(Result<QString>::failure(written.errorString()));
        showError(tr("Not saved: %1").arg(written.errorString()));
        emit saveFinished(path, false);
        return;
    }
    it->file.digest = *written;
    it->modified = false;
    emit unsavedChangesChanged();
    finish(QString());
    if (path == m_current) {
        m_model->clearChanges();
        m_metadata->setFile(&it->file, false);
        banner()->dismiss();
    }
    m_files->setModified(path, false);
    emit statusMessage(tr("Saved %1").arg(QFileInfo(path).fileName()));
    emit fileSaved(path);
    emit saveFinished(path, true);
    updateActions();
}

void SecretsPane::reload()
{
    if (m_current.isEmpty())
        return;
    const QString path = m_current;
    m_open.remove(path);
    m_model->setDocument(nullptr);
    emit unsavedChangesChanged();
    openFile(path);
}

void SecretsPane::addKey(const QString &name, const QByteArray &value)
{
    QModelIndex parent = m_tree->currentIndex().siblingAtColumn(0);
    // Into the selected map (an INI section, say), else beside the selected key.
    if (parent.isValid() &&
        m_model->data(parent.siblingAtColumn(SecretsModel::TypeColumn)).toString() !=
            QLatin1String("map"))
        parent = parent.parent();
    const QModelIndex added = m_model->addKey(parent, name.trimmed(), value);
    if (!added.isValid()) {
        showError(tr("Cannot add '%1' there: the name is empty or already taken").arg(name));
        return;
    }
    m_tree->setCurrentIndex(added.siblingAtColumn(SecretsModel::ValueColumn));
    m_tree->edit(added.siblingAtColumn(SecretsModel::ValueColumn));
}

void SecretsPane::deleteCurrentKey()
{
    const QModelIndex current = m_tree->currentIndex();
    if (current.isValid())
        m_model->removeKey(current.siblingAtColumn(0));
}

void SecretsPane::copyCurrentValue()
{
    const QModelIndex current = m_tree->currentIndex();
    if (!current.isValid())
        return;
    SecureClipboard::instance()->copy(QString::fromUtf8(m_model->plainValue(current)));
    emit statusMessage(tr("Copied %1; the clipboard is cleared in %2 s")
                           .arg(m_model->pathOf(current))
                           .arg(SecureClipboard::instance()->timeout() / 1000));
}

void SecretsPane::rotateDataKey()
{
    if (!document())
        return;
    ActionRequest r = request(ActionKind::SecretsRotate, m_current);
    r.description =
        tr("Give %1 a new data key? Every value gets a new ciphertext (a large git diff); everyone "
           "listed as a recipient can still open it.")
            .arg(QFileInfo(m_current).fileName());
    m_actions.submit(r, [this](const ActionRequest &, ActionPipeline::Finish finish) {
        if (!document())
            return finish(Result<QString>::failure(tr("no file open")));
        if (const Status rotated = document()->rotate(); !rotated) {
            showError(rotated.errorString());
            return finish(Result<QString>(rotated.error()));
        }
        m_model->setDocument(document()); // every envelope changes; nothing to keep
        markModified();
        finish(QStringLiteral("rotated; written at the next save"));
    });
}

void SecretsPane::addRecipient(const QString &recipient)
{
    const auto parsed = Age::Recipient::parse(recipient);
    const Status added = !parsed      ? Status::failure(parsed.errorString())
                         : document() ? document()->addRecipient(*parsed)
                                      : Status::failure(tr("no file open"));
    if (!added)
        return showError(tr("%1: %2").arg(recipient, added.errorString()));
    markModified();
}

void SecretsPane::removeRecipient(const QString &recipient)
{
    ActionRequest r = request(ActionKind::SecretsRecipients, m_current);
    r.before = recipient;
    r.description = tr("Remove %1 from %2? The data key is rotated too, so the old key it holds "
                       "opens nothing saved from now on.")
                        .arg(recipient, QFileInfo(m_current).fileName());
    m_actions.submit(r, [this, recipient](const ActionRequest &, ActionPipeline::Finish finish) {
        if (!document())
            return finish(Result<QString>::failure(tr("no file open")));
        if (const Status removed = document()->removeRecipient(recipient); !removed) {
            showError(removed.errorString());
            return finish(Result<QString>(removed.error()));
        }
        m_model->setDocument(document());
        markModified();
        finish(QStringLiteral("removed; written at the next save"));
    });
}

void SecretsPane::createFile(const QString &path)
{
    const auto config = Sops::SopsConfig::find(QFileInfo(path).absolutePath());
    const auto rule =
        config ? config->ruleFor(path) : Result<Sops::CreationRule>::failure(config.errorString());
    if (!rule)
        return showError(
            tr("No .sops.yaml creation rule for %1: %2").arg(path, rule.errorString()));
    QList<Age::Recipient> recipients;
    for (const QString &text : rule->age) {
        const auto r = Age::Recipient::parse(text);
        if (!r) // never create a file for fewer (or weaker) recipients than the rule names
            return showError(tr(".sops.yaml rule for %1: %2").arg(path, r.errorString()));
        recipients << *r;
    }
    const Sops::Format format = Sops::formatForPath(path);
    const QByteArray empty =
        format == Sops::Format::Yaml || format == Sops::Format::Json ? "{}" : "";
    Result<Sops::SopsDocument> created =
        Sops::SopsDocument::create(empty, format, recipients, *rule);
    if (!created)
        return showError(tr("%1: %2").arg(path, created.errorString()));
    OpenedSecretsFile file;
    file.path = path;
    file.document = std::make_shared<Sops::SopsDocument>(std::move(created).value());
    m_open.insert(path, OpenFile{file, true});
    m_files->addNewFile(path);
    showFile(path);
}

void SecretsPane::askPassphrase(const QString &keysFile, const QString &reopen)
{
    auto *ask = new QInputDialog(this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setWindowTitle(tr("Passphrase"));
    ask->setLabelText(tr("%1 is protected by a passphrase:").arg(keysFile));
    ask->setTextEchoMode(QLineEdit::Password);
    connect(ask, &QInputDialog::textValueSelected, this,
            [this, keysFile, reopen](const QString &p) {
                setPassphrase(keysFile, p.toUtf8());
                openFile(reopen);
            });
    ask->open();
}

void SecretsPane::setPassphrase(const QString &keysFile, const QByteArray &passphrase)
{
    m_passphrases.insert(keysFile, passphrase);
}

void SecretsPane::openCompareDialog()
{
    auto *dialog = new CompareSecretsDialog(m_workspace, m_environment.name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace Opsdeck
