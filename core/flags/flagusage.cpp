// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagusage.h"

#include <QDir>
#include <QFileInfo>

namespace Opsdeck {

FlagUsageSearch::FlagUsageSearch(QStringList repositories, QString flagName, QObject *parent)
    : QObject(parent)
    , m_repositories(std::move(repositories))
    , m_flagName(std::move(flagName))
{}

FlagUsageSearch::~FlagUsageSearch()
{
    // QProcess's destructor kills a git grep still running: no callbacks into a half-gone us.
    if (m_process)
        m_process->disconnect(this);
}

void FlagUsageSearch::start()
{
    m_index = -1;
    m_usages.clear();
    m_problems.clear();
    next();
}

void FlagUsageSearch::next()
{
    if (m_process)
        m_process->deleteLater();
    m_process = nullptr;
    if (++m_index >= m_repositories.size()) {
        emit finished();
        return;
    }
    const QString repository = m_repositories.at(m_index);
    const bool bare = !QFileInfo::exists(repository + QStringLiteral("/.git")) &&
                      QFileInfo::exists(repository + QStringLiteral("/HEAD"));
    QStringList args = bare ? QStringList{QStringLiteral("--git-dir=") + repository}
                            : QStringList{QStringLiteral("-C"), repository};
    // -F -w: the name as a whole word, not a pattern; -I: no binary files.
    args << QStringLiteral("grep") << QStringLiteral("-n") << QStringLiteral("-I")
         << QStringLiteral("-F") << QStringLiteral("-w") << QStringLiteral("-e") << m_flagName;
    if (bare)
        args << QStringLiteral("HEAD");
    m_process = new QProcess(this);
    connect(m_process, &QProcess::finished, this, [this, repository](int exitCode) {
        // git grep: 0 = found, 1 = nothing found, anything else = could not search.
        if (exitCode == 0)
            m_usages << parseGrep(repository, m_process->readAllStandardOutput());
        else if (exitCode != 1)
            m_problems << QStringLiteral("%1: %2").arg(
                repository, QString::fromUtf8(m_process->readAllStandardError()).trimmed());
        next();
    });
    connect(m_process, &QProcess::errorOccurred, this,
            [this, repository](QProcess::ProcessError e) {
                if (e != QProcess::FailedToStart)
                    return;
                m_problems << QStringLiteral("%1: git could not be started").arg(repository);
                next();
            });
    m_process->start(QStringLiteral("git"), args);
}

QList<FlagUsage> FlagUsageSearch::parseGrep(const QString &repository, const QByteArray &output)
{
    QList<FlagUsage> usages;
    for (const QByteArray &raw : output.split('\n')) {
        QString line = QString::fromUtf8(raw);
        if (line.startsWith(QLatin1String("HEAD:")))
            line.remove(0, 5);
        const qsizetype fileEnd = line.indexOf(QLatin1Char(':'));
        const qsizetype lineEnd = line.indexOf(QLatin1Char(':'), fileEnd + 1);
        if (fileEnd <= 0 || lineEnd <= fileEnd)
            continue;
        usages << FlagUsage{repository, line.left(fileEnd),
                            line.mid(fileEnd + 1, lineEnd - fileEnd - 1).toInt(),
                            line.mid(lineEnd + 1).trimmed()};
    }
    return usages;
}

QStringList flagUsageRepositories(const QString &workspaceFile, const QStringList &deployRepos)
{
    QStringList repositories;
    QDir dir = QFileInfo(workspaceFile).absoluteDir();
    do {
        if (QFileInfo::exists(dir.filePath(QStringLiteral(".git")))) {
            repositories << dir.absolutePath();
            break;
        }
    } while (dir.cdUp());
    for (const QString &repo : deployRepos) {
        const QFileInfo info(repo);
        if (info.isAbsolute() && info.isDir() && !repositories.contains(info.absoluteFilePath()))
            repositories << info.absoluteFilePath();
    }
    return repositories;
}

} // namespace Opsdeck
