// SPDX-License-Identifier: GPL-3.0-or-later
#include "objectdetailsview.h"

#include "common/formatting.h"

#include <QLocale>
#include <QUrl>

namespace Opsdeck {

namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString table(const QStringList &headers, const QList<QStringList> &rows)
{
    QString html = QStringLiteral("<table cellspacing=0 cellpadding=3 border=1 width=100%><tr>");
    for (const QString &h : headers)
        html += QStringLiteral("<th align=left>%1</th>").arg(esc(h));
    html += QStringLiteral("</tr>");
    for (const QStringList &row : rows) {
        html += QStringLiteral("<tr>");
        for (const QString &cell : row) // cells are HTML already (escaped by the caller)
            html += QStringLiteral("<td>%1</td>").arg(cell);
        html += QStringLiteral("</tr>");
    }
    return html + QStringLiteral("</table>");
}

QString section(const QString &title, int count)
{
    return QStringLiteral("<h3>%1 (%2)</h3>").arg(esc(title)).arg(count);
}

QString link(qint64 oid, const QString &text)
{
    return QStringLiteral("<a href=\"opsdeck-object:%1\">%2</a>").arg(oid).arg(esc(text));
}

QString summary(const ObjectDetails &d)
{
    const CatalogObject &o = d.object;
    QStringList facts;
    facts << QStringLiteral("owner %1").arg(esc(d.owner));
    if (o.hasRows() && o.estimatedRows >= 0)
        facts << QStringLiteral("about %1 rows").arg(QLocale().toString(qint64(o.estimatedRows)));
    if (o.totalBytes >= 0)
        facts << QStringLiteral("%1 in all: table %2, indexes %3, TOAST %4")
                     .arg(formatBytes(o.totalBytes), formatBytes(std::max<qint64>(0, o.tableBytes)),
                          formatBytes(std::max<qint64>(0, o.indexBytes)),
                          formatBytes(std::max<qint64>(0, o.toastBytes)));
    if (o.kind == CatalogKind::Table || o.kind == CatalogKind::MaterializedView) {
        facts << QStringLiteral("last vacuum %1, last analyze %2")
                     .arg(o.lastVacuum.isValid() ? formatWhen(o.lastVacuum)
                                                 : QStringLiteral("never"),
                          o.lastAnalyze.isValid() ? formatWhen(o.lastAnalyze)
                                                  : QStringLiteral("never"));
        if (d.liveRows >= 0)
            facts << QStringLiteral("%1 live, %2 dead rows; %3 sequential, %4 index scans")
                         .arg(d.liveRows)
                         .arg(d.deadRows)
                         .arg(d.sequentialScans)
                         .arg(std::max<qint64>(0, d.indexScans));
    }
    QString html = QStringLiteral("<h2>%1 %2</h2><p>%3</p>")
                       .arg(esc(catalogKindName(o.kind)), esc(o.qualifiedName()),
                            facts.join(QStringLiteral(" · ")));
    if (!o.comment.isEmpty())
        html += QStringLiteral("<p><i>%1</i></p>").arg(esc(o.comment));
    if (!d.lockedBy.isEmpty())
        html += QStringLiteral("<p><b>Locked:</b> an ACCESS EXCLUSIVE lock (%1). Defaults and "
                               "index definitions are not read, so as not to wait behind it.</p>")
                    .arg(esc(d.lockedBy));
    return html;
}

QString columnsHtml(const ObjectDetails &d)
{
    QList<QStringList> rows;
    const QStringList key = d.primaryKey();
    for (const ColumnInfo &c : d.columns)
        rows << QStringList{
            (key.contains(c.name) ? QStringLiteral("<b>%1</b> 🔑") : QStringLiteral("%1"))
                .arg(esc(c.name)),
            esc(c.type), c.notNull ? QStringLiteral("not null") : QString(), esc(c.defaultValue),
            esc(c.comment)};
    return section(QStringLiteral("Columns"), int(d.columns.size())) +
           table({QStringLiteral("Name"), QStringLiteral("Type"), QStringLiteral("Null"),
                  QStringLiteral("Default"), QStringLiteral("Comment")},
                 rows);
}

QString indexesHtml(const ObjectDetails &d)
{
    QList<QStringList> rows;
    for (const IndexInfo &i : d.indexes)
        rows << QStringList{esc(i.name) +
                                (i.valid ? QString() : QStringLiteral(" <b>(invalid)</b>")),
                            QStringLiteral("<code>%1</code>").arg(esc(i.definition)),
                            formatBytes(i.bytes), QLocale().toString(i.scans)};
    return section(QStringLiteral("Indexes"), int(d.indexes.size())) +
           table({QStringLiteral("Name"), QStringLiteral("Definition"), QStringLiteral("Size"),
                  QStringLiteral("Scans")},
                 rows);
}

QString constraintsHtml(const ObjectDetails &d)
{
    QList<QStringList> own, outgoing, incoming;
    for (const ConstraintInfo &c : d.constraints) {
        const QString definition = QStringLiteral("<code>%1</code>").arg(esc(c.definition));
        if (c.isForeignKey() && c.tableOid == d.object.oid)
            outgoing << QStringList{
                esc(c.name), esc(c.columns.join(QStringLiteral(", "))),
                link(c.referencedOid, c.referencedTable) + QStringLiteral(" (") +
                    esc(c.referencedColumns.join(QStringLiteral(", "))) + QLatin1Char(')'),
                definition};
        else if (c.isForeignKey())
            incoming << QStringList{
                esc(c.name),
                link(c.tableOid, c.table) + QStringLiteral(" (") +
                    esc(c.columns.join(QStringLiteral(", "))) + QLatin1Char(')'),
                esc(c.referencedColumns.join(QStringLiteral(", "))), definition};
        else
            own << QStringList{esc(c.name), definition};
    }
    QString html;
    if (!own.isEmpty())
        html += section(QStringLiteral("Constraints"), int(own.size())) +
                table({QStringLiteral("Name"), QStringLiteral("Definition")}, own);
    if (!outgoing.isEmpty())
        html += section(QStringLiteral("Foreign keys"), int(outgoing.size())) +
                table({QStringLiteral("Name"), QStringLiteral("Columns"),
                       QStringLiteral("References"), QStringLiteral("Definition")},
                      outgoing);
    if (!incoming.isEmpty())
        html += section(QStringLiteral("Referenced by"), int(incoming.size())) +
                table({QStringLiteral("Name"), QStringLiteral("From"), QStringLiteral("To columns"),
                       QStringLiteral("Definition")},
                      incoming);
    return html;
}

QString restHtml(const ObjectDetails &d)
{
    QString html;
    if (!d.triggers.isEmpty()) {
        QList<QStringList> rows;
        for (const TriggerInfo &t : d.triggers)
            rows << QStringList{esc(t.name),
                                QStringLiteral("<code>%1</code>").arg(esc(t.definition)),
                                t.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled")};
        html +=
            section(QStringLiteral("Triggers"), int(rows.size())) +
            table({QStringLiteral("Name"), QStringLiteral("Definition"), QStringLiteral("State")},
                  rows);
    }
    if (!d.policies.isEmpty() || d.rowSecurity) {
        QList<QStringList> rows;
        for (const PolicyInfo &p : d.policies)
            rows << QStringList{esc(p.name), esc(p.command), esc(p.roles),
                                QStringLiteral("<code>%1</code>").arg(esc(p.usingExpression)),
                                QStringLiteral("<code>%1</code>").arg(esc(p.checkExpression))};
        html += section(d.rowSecurity ? QStringLiteral("Policies (row security on)")
                                      : QStringLiteral("Policies (row security off)"),
                        int(rows.size())) +
                table({QStringLiteral("Name"), QStringLiteral("Command"), QStringLiteral("Roles"),
                       QStringLiteral("Using"), QStringLiteral("With check")},
                      rows);
    }
    if (!d.grants.isEmpty()) {
        QList<QStringList> rows;
        for (const GrantInfo &g : d.grants)
            rows << QStringList{esc(g.grantee), esc(g.privileges), esc(g.grantor)};
        html += section(QStringLiteral("Grants"), int(rows.size())) +
                table({QStringLiteral("Role"), QStringLiteral("Privileges"),
                       QStringLiteral("Granted by")},
                      rows);
    }
    return html;
}

} // namespace

ObjectDetailsView::ObjectDetailsView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("opsdeck-object"))
            emit openObject(url.path().toLongLong());
    });
}

void ObjectDetailsView::showDetails(const ObjectDetails &d)
{
    m_html = summary(d);
    if (d.object.isRelation()) {
        if (!d.columns.isEmpty())
            m_html += columnsHtml(d);
        if (!d.indexes.isEmpty())
            m_html += indexesHtml(d);
        m_html += constraintsHtml(d) + restHtml(d);
        if (!d.partitionKey.isEmpty())
            m_html +=
                QStringLiteral("<p>Partitioned by <code>%1</code></p>").arg(esc(d.partitionKey));
        if (!d.viewDefinition.isEmpty())
            m_html += QStringLiteral("<h3>Definition</h3><pre>%1</pre>").arg(esc(d.viewDefinition));
    }
    setHtml(m_html);
}

void ObjectDetailsView::showMessage(const QString &message)
{
    m_html = QStringLiteral("<p>%1</p>").arg(esc(message));
    setHtml(m_html);
}

} // namespace Opsdeck
