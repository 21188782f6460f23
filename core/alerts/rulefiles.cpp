// SPDX-License-Identifier: GPL-3.0-or-later
#include "rulefiles.h"

#include "common/filetrust.h"
#include "common/formatting.h"

#include <yaml-cpp/yaml.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

namespace Opsdeck {

namespace {

QString where(const QString &file, const YAML::Mark &mark)
{
    return QStringLiteral("%1:%2:%3").arg(file).arg(mark.line + 1).arg(mark.column + 1);
}

QString text(const YAML::Node &node)
{
    return node && node.IsScalar() ? QString::fromStdString(node.Scalar()) : QString();
}

/** Prometheus' durations: 30s, 1m, 1h30m, 2d… */
std::optional<qint64> durationMs(const QString &value)
{
    static const QRegularExpression part(QStringLiteral("(\\d+)(ms|s|m|h|d|w|y)"));
    if (value.isEmpty())
        return 0;
    qint64 total = 0;
    qsizetype at = 0;
    for (auto it = part.globalMatch(value); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() != at)
            return std::nullopt;
        static const QHash<QString, qint64> unit{{QStringLiteral("ms"), 1},
                                                 {QStringLiteral("s"), 1000},
                                                 {QStringLiteral("m"), 60000},
                                                 {QStringLiteral("h"), 3600000},
                                                 {QStringLiteral("d"), 86400000},
                                                 {QStringLiteral("w"), 7 * 86400000LL},
                                                 {QStringLiteral("y"), 365 * 86400000LL}};
        total += m.captured(1).toLongLong() * unit.value(m.captured(2));
        at = m.capturedEnd();
    }
    return at == value.size() ? std::optional(total) : std::nullopt;
}

LabelSet pairs(const YAML::Node &node)
{
    LabelSet out;
    if (node && node.IsMap())
        for (const auto &entry : node)
            out.insert(QString::fromStdString(entry.first.as<std::string>()), text(entry.second));
    return out;
}

void readRule(const YAML::Node &rule, const QString &file, const QString &group, RuleFiles &out)
{
    const YAML::Node alert = rule["alert"];
    if (!alert) // a recording rule
        return;
    RepoRule r;
    r.file = file;
    r.line = alert.Mark().line + 1;
    r.group = group;
    r.name = text(alert);
    r.expr = text(rule["expr"]);
    if (r.name.isEmpty() || r.expr.isEmpty()) {
        out.errors << where(file, rule.Mark()) + QStringLiteral(": an alert needs a name and expr");
        return;
    }
    const std::optional<qint64> forMs = durationMs(text(rule["for"]));
    if (!forMs) {
        out.errors << where(file, rule["for"].Mark()) +
                          QStringLiteral(": for: '%1' is not a duration").arg(text(rule["for"]));
        return;
    }
    r.forMs = *forMs;
    r.labels = pairs(rule["labels"]);
    r.annotations = pairs(rule["annotations"]);
    out.rules << r;
}

void readFile(const QString &path, const QString &shown, RuleFiles &out)
{
    if (const Status trusted = checkTrustedFile(path, QStringLiteral("rule file")); !trusted) {
        out.errors << shown + QStringLiteral(": ") + trusted.errorString();
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.errors << shown + QStringLiteral(": ") + file.errorString();
        return;
    }
    if (file.size() > kMaxRuleFileBytes) {
        out.errors << shown +
                          QStringLiteral(": over %1, not read").arg(formatBytes(kMaxRuleFileBytes));
        return;
    }
    try {
        const YAML::Node root = YAML::Load(file.readAll().toStdString());
        const YAML::Node groups = root["groups"];
        if (!groups || !groups.IsSequence()) {
            out.errors << shown +
                              QStringLiteral(": expected groups: [...] (a Prometheus rule file)");
            return;
        }
        for (const YAML::Node &group : groups) {
            const YAML::Node rules = group["rules"];
            for (std::size_t i = 0; rules && rules.IsSequence() && i < rules.size(); ++i)
                readRule(rules[i], shown, text(group["name"]), out);
        }
    } catch (const YAML::Exception &e) {
        out.errors << where(shown, e.mark) + QStringLiteral(": ") + QString::fromStdString(e.msg);
    }
}

/** An expression as compared: no whitespace, and decimals as Prometheus prints them (0.10 is
 * 0.1 on the server). */
QString squeezed(QString expr)
{
    expr.remove(QRegularExpression(QStringLiteral("\\s+")));
    static const QRegularExpression decimal(QStringLiteral("(?<![\\w.\"])(\\d+\\.\\d+)(?![\\w.])"));
    QString out;
    qsizetype at = 0;
    for (auto it = decimal.globalMatch(expr); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += expr.mid(at, m.capturedStart() - at) +
               QString::number(m.captured(1).toDouble(), 'g', 15);
        at = m.capturedEnd();
    }
    return out + expr.mid(at);
}

} // namespace

RuleFiles readRuleFiles(const QStringList &patterns, const QString &baseDirectory)
{
    const QDir base(baseDirectory.isEmpty() ? QDir::currentPath() : baseDirectory);
    RuleFiles out;
    for (const QString &pattern : patterns) {
        const QFileInfo info(pattern);
        QStringList matches;
        if (pattern.contains(QLatin1Char('*')) || pattern.contains(QLatin1Char('?'))) {
            const QDir dir = info.dir();
            for (const QString &name : dir.entryList({info.fileName()}, QDir::Files, QDir::Name))
                matches << dir.filePath(name);
            if (matches.isEmpty())
                out.errors << pattern + QStringLiteral(": no file matches");
        } else {
            matches << pattern;
        }
        for (const QString &path : std::as_const(matches)) {
            out.files << path;
            readFile(path, base.relativeFilePath(path), out);
        }
    }
    return out;
}

PromtoolCheck checkWithPromtool(const QStringList &files)
{
    PromtoolCheck check;
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (promtool.isEmpty()) {
        check.output = QStringLiteral("promtool is not installed (Debian: prometheus); the files "
                                      "were read as YAML only");
        return check;
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(promtool, QStringList{QStringLiteral("check"), QStringLiteral("rules")} + files);
    if (!process.waitForStarted(10000)) {
        check.output = QStringLiteral("promtool did not start: ") + process.errorString();
        return check;
    }
    check.ran = true;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(2000);
        check.output = QStringLiteral("promtool did not finish in 30 s");
        return check;
    }
    check.output = QString::fromUtf8(process.readAll().left(64 * 1024)).trimmed();
    check.passed = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    return check;
}

QFuture<RuleFilesCheck> checkRuleFiles(const QStringList &patterns, const QString &baseDirectory)
{
    return QtConcurrent::run([patterns, baseDirectory] {
        RuleFilesCheck check;
        check.files = readRuleFiles(patterns, baseDirectory);
        check.promtool = checkWithPromtool(check.files.files);
        return check;
    });
}

RuleDrift compareRules(const QList<RepoRule> &repo, const QList<AlertRule> &server)
{
    auto key = [](const QString &group, const QString &name) -> QString {
        return group + QLatin1Char('\x1f') + name;
    };
    QHash<QString, const AlertRule *> onServer;
    for (const AlertRule &rule : server)
        onServer.insert(key(rule.group, rule.name), &rule);
    RuleDrift drift;
    QSet<QString> seen;
    for (const RepoRule &rule : repo) {
        const QString k = key(rule.group, rule.name);
        seen.insert(k);
        const AlertRule *there = onServer.value(k);
        if (!there) {
            drift.onlyInRepo << rule;
            continue;
        }
        QStringList what;
        if (squeezed(rule.expr) != squeezed(there->query))
            what << QStringLiteral("expr");
        if (rule.forMs != there->forMs)
            what << QStringLiteral("for: %1 here, %2 on the server")
                        .arg(formatDuration(rule.forMs / 1000),
                             formatDuration(there->forMs / 1000));
        if (rule.labels != there->labels)
            what << QStringLiteral("labels");
        if (rule.annotations != there->annotations)
            what << QStringLiteral("annotations");
        if (what.isEmpty()) {
            ++drift.same;
            drift.matching << rule;
        } else
            drift.differing << RuleDrift::Differing{rule, *there, what};
    }
    for (const AlertRule &rule : server)
        if (!seen.contains(key(rule.group, rule.name)))
            drift.onlyOnServer << rule;
    return drift;
}

} // namespace Opsdeck
