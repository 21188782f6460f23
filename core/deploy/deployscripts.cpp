// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployscripts.h"

#include <QJsonDocument>

namespace Opsdeck {

namespace {

const char kLockDir[] = ".opsdeck-lock";

QString q(const QString &text)
{
    return shellQuote(text);
}

QString json(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

/** Run-time variables for the remote shell; commands keep `${REV}` and the shell expands it. */
QString exports(const DeployContext &c, const QString &host, const QString &release)
{
    const QString releasePath = c.spec.path + QStringLiteral("/releases/") + release;
    return QStringLiteral(
               "export REV=%1 ENV=%2 HOST=%3 RELEASE=%4 RELEASE_PATH=%5 DEPLOY_PATH=%6\n")
        .arg(q(c.revision), q(c.environment), q(host), q(release), q(releasePath), q(c.spec.path));
}

/** Echo each command the way a CI log does, then run it in a subshell so a `cd` stays local. */
QString commands(const QStringList &list)
{
    QString out;
    for (const QString &command : list)
        out += QStringLiteral("printf '$ %s\\n' %1\n( %2%3)\n")
                   .arg(q(command), command,
                        command.contains(QLatin1Char('\n')) ? QStringLiteral("\n")
                                                            : QStringLiteral(" "));
    return out;
}

QString inRelease(const DeploySpec &spec, const QString &release)
{
    return QStringLiteral("cd %1\n").arg(q(spec.path + QStringLiteral("/releases/") + release));
}

} // namespace

namespace DeployScripts {

QString listRefs(const DeploySpec &spec)
{
    return QStringLiteral("git ls-remote %1\n").arg(q(spec.repo));
}

QString status(const DeploySpec &spec, int historyLines)
{
    return QStringLiteral("cd %1 2>/dev/null || { printf 'missing\\t%s\\n' %1; exit 0; }\n"
                          "printf 'current\\t%s\\n' \"$(readlink current 2>/dev/null)\"\n"
                          "ls -1 releases 2>/dev/null | sed 's/^/release\\t/'\n"
                          "if [ -d %2 ]; then printf 'lock\\t%s\\n' \"$(cat %2/details.json "
                          "2>/dev/null)\"; fi\n"
                          "tail -n %3 revisions.jsonl 2>/dev/null | sed 's/^/history\\t/'\n"
                          "df -Pk . | awk 'NR==2 { printf \"free\\t%.0f\\n\", $4 * 1024 }'\n")
        .arg(q(spec.path), QLatin1String(kLockDir))
        .arg(historyLines);
}

QString preflight(const DeploySpec &spec)
{
    QString checks =
        QStringLiteral(
            "for tool in git tar; do command -v $tool >/dev/null || printf 'problem\\t%s is not "
            "installed\\n' $tool; done\n"
            "if [ -d %1 ]; then [ -w %1 ]; else [ -w \"$(dirname %1)\" ]; fi || printf "
            "'problem\\tcannot write to %s\\n' %1\n")
            .arg(q(spec.path));
    for (const QString &item : spec.shared)
        checks += QStringLiteral("[ -e %1 ] || printf 'problem\\tshared file %s is missing "
                                 "(create it before the first deploy)\\n' %1\n")
                      .arg(q(spec.path + QStringLiteral("/shared/") + item));
    // The history names the ref each release came from ("switched back to v1").
    return checks + status(spec, 50);
}

QString lock(const DeploySpec &spec, const QJsonObject &details)
{
    const QString dir = q(spec.path + QLatin1Char('/') + QLatin1String(kLockDir));
    return QStringLiteral("mkdir -p %1\n"
                          "if mkdir %2 2>/dev/null; then\n"
                          "  printf '%s\\n' %3 >%2/details.json\n"
                          "else\n"
                          "  cat %2/details.json 2>/dev/null || echo '{}'\n"
                          "  exit 3\n"
                          "fi\n")
        .arg(q(spec.path), dir, q(json(details)));
}

QString unlock(const DeploySpec &spec, const QString &id)
{
    const QString dir = q(spec.path + QLatin1Char('/') + QLatin1String(kLockDir));
    return QStringLiteral("grep -qF %1 %2/details.json 2>/dev/null && rm -rf %2\n")
        .arg(q(QStringLiteral("\"id\":\"%1\"").arg(id)), dir);
}

QString breakLock(const DeploySpec &spec, const QString &id)
{
    const QString dir = q(spec.path + QLatin1Char('/') + QLatin1String(kLockDir));
    if (id.isEmpty())
        return QStringLiteral("rm -rf %1\n").arg(dir);
    // Only the lock that was shown: another deploy may have taken a new one since.
    return QStringLiteral("[ -d %2 ] || { echo 'there is no lock any more'; exit 0; }\n"
                          "if grep -qF %1 %2/details.json 2>/dev/null; then rm -rf %2; else\n"
                          "  echo 'the lock changed since it was shown; it is now held by:'\n"
                          "  cat %2/details.json 2>/dev/null; echo; exit 4\nfi\n")
        .arg(q(QStringLiteral("\"id\":\"%1\"").arg(id)), dir);
}

namespace {

/** In the deploy path: the repository's mirror in `repo`, cloned or brought up to date. */
QString updateMirror(const DeploySpec &spec)
{
    return QStringLiteral("if [ -d repo ]; then\n"
                          "  git -C repo remote set-url origin %1\n"
                          "  git -C repo fetch --quiet --prune --force origin "
                          "'+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'\n"
                          "else\n"
                          "  git clone --quiet --mirror %1 repo\n"
                          "fi\n")
        .arg(q(spec.repo));
}

} // namespace

QString changes(const DeploySpec &spec, const QString &from, const QString &to)
{
    // The mirror is the deploy's own cache: bringing it up to date changes no release.
    QString script = QStringLiteral("set -eu\nmkdir -p %1\ncd %1\n").arg(q(spec.path)) +
                     updateMirror(spec) + QStringLiteral("echo '# commits'\n");
    if (!from.isEmpty())
        script += QStringLiteral("if git -C repo cat-file -e %1^{commit} 2>/dev/null; then\n"
                                 "  echo \"count $(git -C repo rev-list --count %1..%2)\"\n"
                                 "  git -C repo log -n 50 --format='%h %s (%an)' %1..%2\n"
                                 "fi\n")
                      .arg(q(from), q(to));
    return script + QStringLiteral("echo '# migrations'\n"
                                   "git -C repo ls-tree -r --name-only %1 | "
                                   "grep -E '(^|/)migrations/[0-9][^/]*[.]py$' || true\n")
                        .arg(q(to));
}

QString build(const DeployContext &c, const QString &host)
{
    const QString releaseDir = QStringLiteral("releases/") + c.release;
    // The first deploy to a host creates the path (the lock host's lock step may not be this host).
    QString script = QStringLiteral("set -eu\nmkdir -p %1\ncd %1\nmkdir -p releases shared\n")
                         .arg(q(c.spec.path)) +
                     updateMirror(c.spec) +
                     QStringLiteral("mkdir %1\n"
                                    "git -C repo archive %2 | tar -x -f - -C %1\n"
                                    "printf '%s\\n' %2 >%1/REVISION\n")
                         .arg(q(releaseDir), q(c.revision));
    for (const QString &item : c.spec.shared) {
        const QString target = releaseDir + QLatin1Char('/') + item;
        script += QStringLiteral("mkdir -p \"$(dirname %1)\" && rm -rf %1 && ln -s %2 %1\n")
                      .arg(q(target), q(c.spec.path + QStringLiteral("/shared/") + item));
    }
    return script + exports(c, host, c.release) + inRelease(c.spec, c.release) +
           commands(c.spec.build);
}

QString release(const DeployContext &c, const QString &host)
{
    return QStringLiteral("set -eu\n") + exports(c, host, c.release) +
           inRelease(c.spec, c.release) + commands(c.spec.release);
}

QString switchCurrent(const DeploySpec &spec, const QString &release)
{
    // ln + mv -T is a rename: readers see the old link or the new one, never none (Capistrano).
    return QStringLiteral("set -eu\ncd %1\ntest -d %2\nln -sfn %2 current.opsdeck-new\n"
                          "mv -T current.opsdeck-new current\nprintf 'current -> %s\\n' %2\n")
        .arg(q(spec.path), q(QStringLiteral("releases/") + release));
}

QString restart(const DeployContext &c, const QString &host, const QString &release)
{
    if (c.spec.restart.isEmpty())
        return {};
    return QStringLiteral("set -eu\n") + exports(c, host, release) + inRelease(c.spec, release) +
           commands({c.spec.restart});
}

QString healthRun(const DeployContext &c, const QString &host, const QString &release)
{
    const int seconds = std::max(1, (c.spec.healthcheck->timeoutMs + 999) / 1000);
    return exports(c, host, release) + inRelease(c.spec, release) +
           QStringLiteral("timeout %1 sh -c %2\n").arg(seconds).arg(q(c.spec.healthcheck->run));
}

QString discard(const DeploySpec &spec, const QString &release)
{
    return QStringLiteral("cd %1 && { [ \"$(readlink current)\" = %2 ] || rm -rf %2; }\n")
        .arg(q(spec.path), q(QStringLiteral("releases/") + release));
}

QString prune(const DeploySpec &spec)
{
    return QStringLiteral("cd %1/releases\ncurrent=$(basename \"$(readlink ../current)\")\n"
                          "ls -1 | sort -r | tail -n +%2 | while read -r old; do\n"
                          "  [ \"$old\" = \"$current\" ] && continue\n"
                          "  printf 'removing release %s\\n' \"$old\"; rm -rf \"$old\"\n"
                          "done\n")
        .arg(q(spec.path))
        .arg(spec.keep + 1);
}

QString appendHistory(const DeploySpec &spec, const QJsonObject &entry)
{
    return QStringLiteral("mkdir -p %2 && printf '%s\\n' %1 >>%2/revisions.jsonl\n")
        .arg(q(json(entry)), q(spec.path));
}

QString adHoc(const DeployContext &c, const QString &host, const QString &command)
{
    return QStringLiteral("export ENV=%1 HOST=%2\n%3\n").arg(q(c.environment), q(host), command);
}

} // namespace DeployScripts

} // namespace Opsdeck
