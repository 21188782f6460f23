// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployreader.h"

namespace Opsdeck {

namespace {

const QStringList kDashboardKeys = {QStringLiteral("name"), QStringLiteral("panels")};
const QStringList kPanelKeys = {QStringLiteral("title"),  QStringLiteral("source"),
                                QStringLiteral("query"),  QStringLiteral("unit"),
                                QStringLiteral("stack"),  QStringLiteral("thresholds"),
                                QStringLiteral("legend"), QStringLiteral("legend_format")};

void readPanel(YamlReader &reader, const YAML::Node &node, const QString &p, DashboardSpec &dash)
{
    if (!reader.checkMap(node, p, kPanelKeys))
        return;
    PanelSpec panel;
    if (node["title"])
        panel.title =
            reader.string(node["title"], p + QStringLiteral(".title")).value_or(QString());
    panel.source = QStringLiteral("prometheus");
    if (node["source"]) {
        panel.source =
            reader.string(node["source"], p + QStringLiteral(".source")).value_or(panel.source);
        if (panel.source != QLatin1String("prometheus") && panel.source != QLatin1String("sql"))
            reader.error(
                node["source"], p + QStringLiteral(".source"),
                QStringLiteral("unknown source '%1' (known: prometheus, sql)").arg(panel.source));
    }
    if (node["query"])
        panel.query =
            reader.string(node["query"], p + QStringLiteral(".query")).value_or(QString());
    else
        reader.error(node, p, QStringLiteral("missing 'query'"));
    if (node["unit"])
        panel.unit = reader.string(node["unit"], p + QStringLiteral(".unit")).value_or(QString());
    if (node["stack"])
        panel.stack = reader.boolean(node["stack"], p + QStringLiteral(".stack")).value_or(false);
    if (node["legend"])
        panel.legend = reader.boolean(node["legend"], p + QStringLiteral(".legend")).value_or(true);
    if (node["legend_format"])
        panel.legendFormat =
            reader.string(node["legend_format"], p + QStringLiteral(".legend_format"))
                .value_or(QString());
    if (const YAML::Node thresholds = node["thresholds"]; thresholds) {
        if (!thresholds.IsSequence())
            reader.error(thresholds, p + QStringLiteral(".thresholds"),
                         QStringLiteral("expected a list of numbers, e.g. [80, 95]"));
        for (std::size_t i = 0; thresholds.IsSequence() && i < thresholds.size(); ++i) {
            bool ok = false;
            const double v =
                QString::fromStdString(thresholds[i].as<std::string>("")).toDouble(&ok);
            if (ok)
                panel.thresholds << v;
            else
                reader.error(thresholds[i], QStringLiteral("%1.thresholds[%2]").arg(p).arg(i),
                             QStringLiteral("expected a number"));
        }
    }
    dash.panels << panel;
}

} // namespace

QList<DashboardSpec> readDashboards(YamlReader &reader, const YAML::Node &node)
{
    QList<DashboardSpec> dashboards;
    if (!node.IsSequence()) {
        reader.error(node, QStringLiteral("dashboards"),
                     QStringLiteral("expected a list of dashboards"));
        return dashboards;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        const QString p = QStringLiteral("dashboards[%1]").arg(i);
        const YAML::Node d = node[i];
        if (!reader.checkMap(d, p, kDashboardKeys))
            continue;
        DashboardSpec dash;
        if (d["name"])
            dash.name = reader.string(d["name"], p + QStringLiteral(".name")).value_or(QString());
        const YAML::Node panels = d["panels"];
        if (panels && !panels.IsSequence())
            reader.error(panels, p + QStringLiteral(".panels"),
                         QStringLiteral("expected a list of panels"));
        for (std::size_t j = 0; panels && panels.IsSequence() && j < panels.size(); ++j)
            readPanel(reader, panels[j], QStringLiteral("%1.panels[%2]").arg(p).arg(j), dash);
        dashboards << dash;
    }
    return dashboards;
}

} // namespace Opsdeck
