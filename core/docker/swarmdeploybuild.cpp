// SPDX-License-Identifier: GPL-3.0-or-later
// What a swarm deploy builds, and from what: the build host's script and image names.
#include "swarmdeployrunner.h"

#include "swarmstatus.h"

namespace Opsdeck {

namespace {

QString q(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

QString SwarmDeployRunner::repositoryOf(const QString &image)
{
    QString name = shortImage(image); // no registry, no digest
    const qsizetype colon = name.lastIndexOf(QLatin1Char(':'));
    return colon < 0 ? name : name.left(colon);
}

QString SwarmDeployRunner::buildScript(const ContainerDeploySpec &spec, const QString &stack,
                                       const QString &ref)
{
    QString context = spec.buildContext;
    while (context.startsWith(QLatin1String("./")))
        context = context.mid(2);
    while (context.endsWith(QLatin1Char('/')))
        context.chop(1);
    const QString tree = context.isEmpty() || context == QLatin1String(".")
                             ? QStringLiteral("\"$rev\"")
                             : QStringLiteral("\"$rev\":%1").arg(q(context));
    const QString buildHost = spec.buildHost.isEmpty() ? spec.host : spec.buildHost;
    QString script = QStringLiteral("set -eu\n");
    if (buildHost == spec.host) // the engine the stack runs on: the image is there already
        script += QStringLiteral("export DOCKER_HOST=%1\n")
                      .arg(q(QStringLiteral("unix://") + spec.dockerSocket));
    script +=
        QStringLiteral("mkdir -p .cache/opsdeck/%1 && cd .cache/opsdeck/%1\n"
                       "if [ -d repo ]; then\n"
                       "  git -C repo remote set-url origin %2\n"
                       "  git -C repo fetch --quiet --prune --force origin "
                       "'+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'\n"
                       "else\n"
                       "  git clone --quiet --mirror %2 repo\n"
                       "fi\n"
                       "rev=$(git -C repo rev-parse --verify %3^{commit})\n"
                       "echo \"revision $rev\"\n"
                       "tag=%4:$(printf %s \"$rev\" | cut -c1-12)\n"
                       "if docker image inspect \"$tag\" >/dev/null 2>&1; then\n"
                       "  echo \"$tag is built already\"\n"
                       "else\n"
                       "  git -C repo archive --format=tar %5 | docker build -f %6 -t \"$tag\" "
                       "--label org.opencontainers.image.revision=\"$rev\" "
                       "--label org.opsdeck.ref=%3 -\n"
                       "fi\n")
            .arg(q(stack), q(spec.repo), q(ref), q(spec.image), tree, q(spec.dockerfile));
    if (!spec.registry.isEmpty())
        script += QStringLiteral("docker push \"$tag\"\n");
    return script + QStringLiteral("echo \"image $tag\"\n");
}

} // namespace Opsdeck
