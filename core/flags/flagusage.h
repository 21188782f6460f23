// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>

namespace Opsdeck {

/** One line that names a flag, in one repository. */
struct FlagUsage
{
    QString repository; // as given (a work tree or a bare repository)
    QString file;
    int line = 0;
    QString text;
};

/**
 * "Where is it used?": `git grep` for a flag's name, as a whole word, in each repository in
 * turn (a work tree's checked-out files, a bare repository's HEAD). Runs the processes
 * asynchronously; finished() comes once, after the last repository.
 */
class FlagUsageSearch final : public QObject
{
    Q_OBJECT

public:
    FlagUsageSearch(QStringList repositories, QString flagName, QObject *parent = nullptr);
    ~FlagUsageSearch() override;

    void start();
    const QList<FlagUsage> &usages() const { return m_usages; }
    /** Repositories that could not be searched, with git's reason. */
    const QStringList &problems() const { return m_problems; }

    /** `git grep -n` output ("HEAD:path:line:text" or "path:line:text") as usages. */
    static QList<FlagUsage> parseGrep(const QString &repository, const QByteArray &output);

signals:
    void finished();

private:
    void next();

    QStringList m_repositories;
    QString m_flagName;
    int m_index = -1;
    QProcess *m_process = nullptr;
    QList<FlagUsage> m_usages;
    QStringList m_problems;
};

/** The repositories worth searching for a workspace: the workspace file's own work tree and
 * every deploy repository that is a local path. */
QStringList flagUsageRepositories(const QString &workspaceFile, const QStringList &deployRepos);

} // namespace Opsdeck
