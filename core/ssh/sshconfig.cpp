// SPDX-License-Identifier: GPL-3.0-or-later
#include "sshconfig.h"

#include "common/filetrust.h"
#include "libssh.h"

#include <QFile>
#include <QRegularExpression>

namespace Opsdeck::SshConfig {

namespace {

constexpr qint64 kMaxConfigBytes = 1024 * 1024;

/** "Keyword value" or "Keyword=value", as ssh_config(5) splits a line. */
std::pair<QString, QString> splitLine(const QString &line)
{
    static const QRegularExpression split(
        QStringLiteral("^\\s*([A-Za-z]+)\\s*(?:=\\s*|\\s+)(.*)$"));
    const QRegularExpressionMatch m = split.match(line);
    if (!m.hasMatch())
        return {line.trimmed().toLower(), QString()};
    return {m.captured(1).toLower(), m.captured(2).trimmed()};
}

QString refusalFor(const QString &keyword, const QString &value)
{
    if (keyword == QLatin1String("proxycommand") &&
        value.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
        return QStringLiteral("ProxyCommand runs a local command");
    if (keyword == QLatin1String("localcommand"))
        return QStringLiteral("LocalCommand runs a local command");
    if (keyword == QLatin1String("knownhostscommand"))
        return QStringLiteral("KnownHostsCommand runs a local command");
    if (keyword == QLatin1String("match") &&
        value.split(QRegularExpression(QStringLiteral("[\\s=]+")), Qt::SkipEmptyParts)
            .contains(QLatin1String("exec"), Qt::CaseInsensitive))
        return QStringLiteral("Match exec runs a local command");
    if (keyword == QLatin1String("include"))
        return QStringLiteral("Include is not followed (an included file could run commands; "
                              "put its hosts in this file)");
    return {};
}

} // namespace

Status checkWorkspaceConfig(const QString &path)
{
    if (const Status trusted = checkTrustedFile(path, QStringLiteral("ssh config file")); !trusted)
        return trusted;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Status::failure(
            QStringLiteral("cannot read the ssh config file %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxConfigBytes)
        return Status::failure(QStringLiteral("the ssh config file %1 is over 1 MiB").arg(path));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const auto [keyword, value] = splitLine(line);
        if (const QString why = refusalFor(keyword, value); !why.isEmpty())
            return Status::failure(
                QStringLiteral("%1:%2: %3. A workspace's ssh config may not run commands on "
                               "your machine; only your own ~/.ssh/config may. Use ProxyJump or "
                               "the workspace's jump: for bastions.")
                    .arg(path)
                    .arg(i + 1)
                    .arg(why),
                QStringLiteral("ssh-config-command"));
    }
    return success();
}

std::optional<Hop> parseHop(const QString &text)
{
    // [user@]host[:port], host possibly [v6]:port
    static const QRegularExpression hop(
        QStringLiteral("^(?:([^@\\s]+)@)?(\\[[^\\]\\s]+\\]|[^:@\\s\\[\\]]+)(?::(\\d{1,5}))?$"));
    const QRegularExpressionMatch m = hop.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    Hop h;
    h.user = m.captured(1);
    h.host = m.captured(2);
    if (h.host.startsWith(QLatin1Char('[')))
        h.host = h.host.mid(1, h.host.size() - 2);
    h.port = m.captured(3).toInt();
    if (h.port > 65535)
        return std::nullopt;
    h.text = text.trimmed();
    return h;
}

std::optional<QList<Hop>> hopsFromProxyCommand(const QString &command)
{
    static const QRegularExpression generated(QStringLiteral(
        "^ssh(?: -l (\\S+))?(?: -p (\\d+))?(?: -J (\\S+))? -W '\\[%h\\]:%p' (\\S+)$"));
    const QRegularExpressionMatch m = generated.match(command);
    if (!m.hasMatch())
        return std::nullopt;
    QString first = m.captured(4);
    if (!m.captured(1).isEmpty())
        first = m.captured(1) + QLatin1Char('@') + first;
    if (!m.captured(2).isEmpty())
        first += QLatin1Char(':') + m.captured(2);
    QList<Hop> hops;
    QStringList texts{first};
    if (!m.captured(3).isEmpty())
        texts += m.captured(3).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &text : texts) {
        const std::optional<Hop> h = parseHop(text);
        if (!h)
            return std::nullopt;
        hops << *h;
    }
    return hops;
}

Result<QList<Hop>> proxyJumpHops(const SshEndpoint &endpoint)
{
    if (!endpoint.useSshConfig)
        return QList<Hop>();
    if (!endpoint.sshConfigFile.isEmpty())
        if (const Status allowed = checkWorkspaceConfig(endpoint.sshConfigFile); !allowed)
            return allowed.error();
    ssh_session session = libssh::ssh_new();
    if (!session)
        return Result<QList<Hop>>::failure(QStringLiteral("out of memory"));
    const QByteArray host = endpoint.address.toUtf8();
    const QByteArray file = endpoint.sshConfigFile.toUtf8();
    libssh::ssh_options_set(session, SSH_OPTIONS_HOST, host.constData());
    libssh::ssh_options_parse_config(session, file.isEmpty() ? nullptr : file.constData());
    char *proxyCommand = nullptr;
    QString command;
    if (libssh::ssh_options_get(session, SSH_OPTIONS_PROXYCOMMAND, &proxyCommand) == SSH_OK &&
        proxyCommand) {
        command = QString::fromUtf8(proxyCommand);
        libssh::ssh_string_free_char(proxyCommand);
    }
    libssh::ssh_free(session);
    if (command.isEmpty() || command.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return QList<Hop>();
    if (const std::optional<QList<Hop>> hops = hopsFromProxyCommand(command))
        return *hops;
    return QList<Hop>(); // the user's own ProxyCommand: libssh runs it for the session
}

} // namespace Opsdeck::SshConfig
