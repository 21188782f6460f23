// SPDX-License-Identifier: GPL-3.0-or-later
#include "configpane.h"

#include "common/dialogconfirmer.h"
#include "common/futures.h"
#include "common/messagebanner.h"
#include "config/dotenvfile.h"
#include "configconflictdialog.h"
#include "configdriftmodel.h"
#include "confighistorydialog.h"
#include "dotenveditor.h"
#include "driftview.h"
#include "jobs/job.h"
#include "runtime/environmentcontext.h"
#include "runtime/sshpool.h"
#include "statuscolors.h"
#include "yamleditor.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace Opsdeck {

ConfigPane::ConfigPane(EnvironmentContext &context, QWidget *parent)
    : Pane(context, parent)
    , m_workspace(context.workspace())
    , m_environment(context.environment())
    , m_pool(context.sshPool())
    , m_actions(context.auditLog(), std::make_shared<DialogConfirmer>(this))
    , m_tabs(new QTabWidget(this))
    , m_fileList(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(this))
    , m_output(new QPlainTextEdit(this))
    , m_drift(new DriftView(m_workspace, m_environment.name, m_pool, &m_actions, this))
{
    m_saveAction = new QAction(tr("Save"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &ConfigPane::save);
    m_reloadAction = new QAction(tr("Reload"), this);
    m_reloadAction->setToolTip(tr("Read the file again, dropping unsaved edits"));
    connect(m_reloadAction, &QAction::triggered, this, &ConfigPane::reload);
    m_historyAction = new QAction(tr("History…"), this);
    m_historyAction->setToolTip(tr("Previous versions kept at each save; restore one"));
    connect(m_historyAction, &QAction::triggered, this, &ConfigPane::showHistory);
    m_runAction = new QAction(tr("Run after-save command…"), this);
    connect(m_runAction, &QAction::triggered, this, &ConfigPane::runAfterSave);
    m_stopAction = new QAction(tr("Stop command"), this);
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, this, [this] {
        if (m_afterSave)
            m_afterSave->cancel();
    });

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_stack->addWidget(m_placeholder);
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(5000);
    m_output->setPlaceholderText(tr("Output of after-save commands"));
    m_output->hide();
    m_fileList->setMaximumWidth(320);
    m_fileList->setTextElideMode(Qt::ElideMiddle); // keep the file name of a long remote path
    m_fileList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_fileList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            openFile(item->data(Qt::UserRole).toString());
    });

    auto *files = new QWidget(this);
    auto *editorSide = new QSplitter(Qt::Vertical, files);
    editorSide->addWidget(m_stack);
    editorSide->addWidget(m_output);
    editorSide->setStretchFactor(0, 4);
    auto *split = new QSplitter(files);
    split->addWidget(m_fileList);
    split->addWidget(editorSide);
    split->setStretchFactor(1, 1);
    auto *bar = new QToolBar(files);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addActions({m_saveAction, m_reloadAction, m_historyAction, m_runAction, m_stopAction});
    auto *filesLayout = new QVBoxLayout(files);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->addWidget(bar);
    filesLayout->addWidget(banner());
    filesLayout->addWidget(split, 1);
    m_tabs->addTab(files, tr("Files"));
    m_tabs->addTab(m_drift, tr("Drift"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_drift && m_drift->model()->rowCount() == 0 &&
            !m_drift->isLoading())
            m_drift->refresh();
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    for (const ConfigFileSpec &spec : m_environment.config)
        addFile(spec);
    if (m_environment.config.isEmpty()) {
        m_placeholder->setText(tr("%1 lists no config files. Add them to opsdeck.yaml:<br>"
                                  "<tt>config: [.env.%1, \"web1:/srv/app/shared/.env\"]</tt>")
                                   .arg(m_environment.name));
        setState(State::Empty, tr("%1 lists no config files.").arg(m_environment.name));
    } else {
        m_fileList->setCurrentRow(0);
    }
    updateActions();
    setPaneActions({m_saveAction, m_reloadAction, m_historyAction, m_runAction, m_stopAction});
}

ConfigPane::~ConfigPane() = default;

void ConfigPane::setAuditLog(std::shared_ptr<AuditLog> log)
{
    m_actions.setAuditLog(std::move(log)); // the drift view acts through the same pipeline
}

void ConfigPane::addFile(const ConfigFileSpec &spec)
{
    OpenConfig file;
    file.spec = spec;
    file.access = new ConfigFileAccess(spec, m_pool, this);
    if (spec.isYaml())
        file.editor = new YamlEditor(this);
    else
        file.editor = new DotenvEditor(this);
    m_stack->addWidget(file.editor);
    connect(file.editor, &ConfigEditor::modifiedChanged, this, [this, location = spec.location] {
        updateFileItem(location);
        updateActions();
        emit unsavedChangesChanged();
    });
    auto *item = new QListWidgetItem(m_fileList);
    item->setData(Qt::UserRole, spec.location);
    item->setToolTip(spec.location + (spec.afterSave.isEmpty()
                                          ? QString()
                                          : tr("\nafter save: %1").arg(spec.afterSave)));
    m_files.insert(spec.location, file);
    updateFileItem(spec.location);
    load(spec.location);
}

void ConfigPane::load(const QString &location)
{
    OpenConfig &file = m_files[location];
    file.loaded = false;
    if (m_current == location) {
        m_placeholder->setText(tr("Reading %1…").arg(location));
        m_stack->setCurrentWidget(m_placeholder);
    }
    onFinished(file.access->read(), this,
               [this, location](const Result<ConfigSnapshot> &read) { fileRead(location, read); });
}

void ConfigPane::fileRead(const QString &location, const Result<ConfigSnapshot> &read)
{
    OpenConfig &file = m_files[location];
    if (read) {
        file.base = *read;
        file.loaded = true;
        file.editor->setContent(read->bytes);
    } else {
        file.loaded = false;
    }
    if (m_current == location) {
        if (read) {
            m_stack->setCurrentWidget(file.editor);
            if (!read->exists)
                showBanner(tr("%1 does not exist yet: saving creates it.").arg(location));
        } else {
            m_placeholder->setText(
                tr("Could not read %1:<br>%2<br><br>Reload to try again.")
                    .arg(location.toHtmlEscaped(), read.errorString().toHtmlEscaped()));
        }
    }
    updateFileItem(location);
    updateActions();
    const bool all = std::all_of(m_files.cbegin(), m_files.cend(), [](const OpenConfig &f) {
        return f.loaded || f.access == nullptr;
    });
    if (all || !read)
        setState(read ? State::Ready : State::Error,
                 tr("Could not read %1: %2").arg(location, read.errorString()));
    emit fileLoaded(location);
}

void ConfigPane::openFile(const QString &location)
{
    const auto it = m_files.constFind(location);
    if (it == m_files.constEnd())
        return;
    m_current = location;
    banner()->dismiss();
    if (it->loaded) {
        m_stack->setCurrentWidget(it->editor);
    } else {
        m_placeholder->setText(tr("Reading %1…").arg(location));
        m_stack->setCurrentWidget(m_placeholder);
    }
    for (int i = 0; i < m_fileList->count(); ++i)
        if (m_fileList->item(i)->data(Qt::UserRole).toString() == location &&
            m_fileList->currentRow() != i)
            m_fileList->setCurrentRow(i);
    updateActions();
}

ConfigEditor *ConfigPane::editor(const QString &location) const
{
    const auto it = m_files.constFind(location);
    return it == m_files.constEnd() ? nullptr : it->editor;
}

QStringList ConfigPane::unsavedChanges() const
{
    QStringList files;
    for (const OpenConfig &file : m_files)
        if (file.editor->isModified())
            files << file.spec.location;
    files.sort();
    return files;
}

bool ConfigPane::isModified(const QString &location) const
{
    const ConfigEditor *e = editor(location);
    return e && e->isModified();
}

ConfigPane::OpenConfig *ConfigPane::currentConfig()
{
    const auto it = m_files.find(m_current);
    return it == m_files.end() ? nullptr : &*it;
}

void ConfigPane::save()
{
    OpenConfig *file = currentConfig();
    if (!file || !file->loaded)
        return;
    const QString location = file->spec.location;
    if (const Status ok = file->editor->checkBeforeSave(); !ok) {
        showBanner(ok.errorString().toHtmlEscaped(), true);
        emit saveFinished(location, false);
        return;
    }
    const QByteArray bytes = file->editor->content();
    const QString summary = file->editor->changeSummary();
    ActionRequest r = request(ActionKind::ConfigSave, location);
    r.after = summary; // by key name, never by value
    r.description = tr("Save %1 (%2) in %3?").arg(location, summary, m_environment.name);
    if (!file->spec.isYaml())
        r.changes =
            DotenvFile::maskedDiff(DotenvFile::parse(file->base.bytes), DotenvFile::parse(bytes));
    submitWrite(r, [this, location, bytes, summary](ActionPipeline::Finish finish) {
        write(location, bytes, m_files[location].base, summary, false, finish);
    });
}

ActionRequest ConfigPane::request(ActionKind kind, const QString &location) const
{
    ActionRequest r;
    r.kind = kind;
    r.workspace = m_workspace.name;
    r.environment = m_environment.name; // the pane lists this environment's own files
    r.isProtected = m_environment.isProtected;
    r.target = location;
    return r;
}

void ConfigPane::submitWrite(const ActionRequest &r,
                             std::function<void(ActionPipeline::Finish)> write)
{
    const QString location = r.target;
    m_actions.submit(
        r, [write](const ActionRequest &, ActionPipeline::Finish finish) { write(finish); },
        [this, location](const ActionOutcome &outcome) {
            if (outcome.started())
                return; // written() said how it went
            if (outcome.status == ActionOutcome::Status::Refused)
                showBanner(outcome.message.toHtmlEscaped(), true);
            emit saveFinished(location, false);
        });
}

void ConfigPane::write(const QString &location, const QByteArray &bytes, const ConfigSnapshot &base,
                       const QString &summary, bool allowOwnerChange, ActionPipeline::Finish finish)
{
    emit statusMessage(tr("Saving %1…").arg(location));
    m_saveAction->setEnabled(false);
    onFinished(m_files[location].access->save(bytes, base, allowOwnerChange), this,
               [=, this](const Result<ConfigSaveOutcome> &saved) {
                   written(location, bytes, summary, saved, finish);
               });
}

void ConfigPane::written(const QString &location, const QByteArray &bytes, const QString &summary,
                         const Result<ConfigSaveOutcome> &saved, ActionPipeline::Finish finish)
{
    // One save is one audited action, including the questions it raises on the way (owner,
    // conflict): `finish` is called once, when the person's last answer is known.
    OpenConfig &file = m_files[location];
    updateActions();
    if (!saved && saved.error().code == QLatin1String("owner")) {
        askOwnerChange(location, bytes, summary, saved.errorString(), finish);
        emit saveFinished(location, false);
        return;
    }
    if (!saved) {
        finish(Result<QString>(saved.error()));
        showBanner(tr("Not saved: %1").arg(saved.errorString().toHtmlEscaped()), true);
        emit saveFinished(location, false);
        return;
    }
    if (saved->conflict) {
        showConflict(location, bytes, saved->current, summary, finish);
        emit saveFinished(location, false);
        return;
    }
    file.base = saved->current;
    file.editor->setContent(saved->current.bytes);
    finish(QString());
    showBanner(saved->backupPath.isEmpty()
                   ? tr("Saved %1.").arg(location.toHtmlEscaped())
                   : tr("Saved %1; the previous version is kept as %2.")
                         .arg(location.toHtmlEscaped(), saved->backupPath.toHtmlEscaped()));
    emit statusMessage(tr("Saved %1").arg(location));
    emit saveFinished(location, true);
    if (!file.spec.afterSave.isEmpty() && location == m_current)
        runAfterSave();
}

void ConfigPane::askOwnerChange(const QString &location, const QByteArray &bytes,
                                const QString &summary, const QString &why,
                                ActionPipeline::Finish finish)
{
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Owner would change"),
                                tr("%1\n\nSave it anyway, owned by the SSH user?").arg(why),
                                QMessageBox::Cancel, this);
    box->setTextFormat(Qt::PlainText); // the path and names come from the server
    QPushButton *saveAnyway = box->addButton(tr("Save anyway"), QMessageBox::AcceptRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [=, this](QAbstractButton *clicked) {
        if (clicked == saveAnyway)
            write(location, bytes, m_files[location].base, summary, true, finish);
        else
            finish(Result<QString>::failure(QStringLiteral("refused: ") + why));
    });
    box->open();
}

void ConfigPane::showConflict(const QString &location, const QByteArray &mine,
                              const ConfigSnapshot &theirs, const QString &summary,
                              ActionPipeline::Finish finish)
{
    auto *dialog = new ConfigConflictDialog(location, theirs.bytes, mine, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ConfigConflictDialog::chosen, this,
            [=, this](ConfigConflictDialog::Choice choice) {
                if (choice == ConfigConflictDialog::Choice::Overwrite) {
                    write(location, mine, theirs, summary, false, finish);
                    return;
                }
                finish(Result<QString>::failure(
                    QStringLiteral("refused: the file changed since it was read")));
                if (choice == ConfigConflictDialog::Choice::TakeTheirs) {
                    m_files[location].base = theirs;
                    m_files[location].editor->setContent(theirs.bytes);
                    showBanner(tr("Loaded the current version of %1; your edits were dropped.")
                                   .arg(location.toHtmlEscaped()));
                } else {
                    showBanner(tr("%1 changed since you opened it and was not saved: your edits "
                                  "are still here.")
                                   .arg(location.toHtmlEscaped()),
                               true);
                }
            });
    dialog->open();
    emit conflictShown(location);
}

void ConfigPane::reload()
{
    OpenConfig *file = currentConfig();
    if (!file)
        return;
    const QString location = file->spec.location;
    if (!file->editor->isModified())
        return load(location);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Reload"),
                                tr("Drop your unsaved edits of %1?").arg(location),
                                QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setTextFormat(Qt::PlainText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, location](int) {
        if (box->result() == QMessageBox::Discard)
            load(location);
    });
    box->open();
}

void ConfigPane::refresh()
{
    QStringList unmodified;
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
        if (!it->editor->isModified())
            unmodified << it.key();
    for (const QString &location : std::as_const(unmodified))
        load(location);
    if (m_tabs->currentWidget() == m_drift)
        m_drift->refresh();
}

void ConfigPane::showHistory()
{
    OpenConfig *file = currentConfig();
    if (!file || !file->loaded)
        return;
    auto *dialog = new ConfigHistoryDialog(file->access, file->editor->content(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ConfigHistoryDialog::restoreRequested, this,
            [this, dialog, location = file->spec.location](const QString &backup,
                                                           const QByteArray &content) {
                ActionRequest r = request(ActionKind::ConfigRestore, location);
                r.after = tr("restored %1").arg(QFileInfo(backup).fileName());
                r.description = tr("Replace %1 with the version kept as %2?").arg(location, backup);
                submitWrite(r, [this, dialog = QPointer<ConfigHistoryDialog>(dialog), location,
                                content, summary = r.after](ActionPipeline::Finish finish) {
                    if (dialog)
                        dialog->accept();
                    write(location, content, m_files[location].base, summary, false, finish);
                });
            });
    dialog->open();
}

void ConfigPane::runAfterSave()
{
    OpenConfig *file = currentConfig();
    if (!file || file->spec.afterSave.isEmpty())
        return;
    const QString where = file->spec.isRemote() ? file->spec.host : tr("this machine");
    ActionRequest r = request(ActionKind::ConfigAfterSave, file->spec.location);
    r.after = file->spec.afterSave;
    r.description = tr("Run the after-save command of %1 on %2?\n\n%3")
                        .arg(file->spec.location, where, file->spec.afterSave);
    m_actions.submit(r, [this, location = file->spec.location](const ActionRequest &,
                                                               ActionPipeline::Finish finish) {
        runCommand(m_files[location], finish);
    });
}

void ConfigPane::runCommand(const OpenConfig &file, ActionPipeline::Finish finish)
{
    const QString location = file.spec.location, command = file.spec.afterSave;
    // A remote file's command runs on its host; a local one here, in the workspace's directory.
    Job *job = file.spec.isRemote()
                   ? Job::remote(tr("after-save"),
                                 m_pool ? m_pool->client(file.spec.host) : nullptr, command, this)
                   : Job::local(tr("after-save"), command, m_workspace.directory, this);
    job->setEnvironment(m_environment.name);
    m_afterSave = job;
    m_output->show();
    m_output->appendPlainText(QStringLiteral("$ ") + command);
    connect(job, &Job::lineReceived, m_output, &QPlainTextEdit::appendPlainText);
    connect(job, &Job::finished, this, [this, job, location, finish](const Result<QString> &r) {
        job->deleteLater();
        m_afterSave = nullptr;
        finish(r ? Result<QString>(QString()) : r);
        m_output->appendPlainText(r ? tr("(done)") : tr("(%1)").arg(r.errorString()));
        showBanner(r ? tr("After-save command finished.")
                     : tr("After-save command failed: %1.").arg(r.errorString().toHtmlEscaped()),
                   !r);
        updateActions();
        emit afterSaveFinished(location, r.ok());
    });
    job->start();
    updateActions();
}

void ConfigPane::showBanner(const QString &html, bool problem)
{
    banner()->showMessage(problem ? MessageBanner::Level::Error : MessageBanner::Level::Information,
                          html, Qt::RichText); // callers escape what came from elsewhere
}

void ConfigPane::updateFileItem(const QString &location)
{
    const OpenConfig &file = m_files[location];
    for (int i = 0; i < m_fileList->count(); ++i) {
        QListWidgetItem *item = m_fileList->item(i);
        if (item->data(Qt::UserRole).toString() != location)
            continue;
        const QString name = file.spec.isRemote()
                                 ? file.spec.host + QLatin1Char(':') + file.spec.path
                                 : QDir(m_workspace.directory).relativeFilePath(file.spec.path);
        item->setText(file.editor->isModified() ? name + QStringLiteral("  •") : name);
        item->setIcon(healthIcon(file.loaded ? Health::Good : Health::Unknown));
    }
}

void ConfigPane::updateActions()
{
    const auto it = m_files.constFind(m_current);
    const bool ready = it != m_files.constEnd() && it->loaded;
    m_saveAction->setEnabled(ready && it->editor->isModified());
    m_reloadAction->setEnabled(it != m_files.constEnd());
    m_historyAction->setEnabled(ready);
    m_runAction->setEnabled(ready && !it->spec.afterSave.isEmpty() && !m_afterSave);
    m_stopAction->setEnabled(m_afterSave && m_afterSave->isRunning());
}

} // namespace Opsdeck
