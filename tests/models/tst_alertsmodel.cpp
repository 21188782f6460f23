// SPDX-License-Identifier: GPL-3.0-or-later
// The Alerts pane's tree by rule and by Alertmanager group, from answers in the servers' shapes
// (tests/core/alerts/): Prometheus' rules with their alerts, Alertmanager's /api/v2/alerts/groups.
#include "alerts/alerts.h"
#include "alertsmodel.h"

#include <QFile>
#include <QTest>

using namespace Opsdeck;

namespace {

QByteArray answer(const char *name)
{
    QFile file(QFINDTESTDATA(QStringLiteral("../core/alerts/") + QLatin1String(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

AlertsSnapshot snapshot()
{
    AlertsSnapshot s;
    s.hasAlertmanager = true;
    s.rules = *parseAlertRules(answer("rules.json"), 200);
    s.groups = *parseAlertGroups(answer("alertmanager-groups.json"), 200);
    QList<ManagedAlert> managed;
    for (const AlertGroup &g : std::as_const(s.groups))
        managed << g.alerts;
    markSilenced(s.rules, managed);
    return s;
}

QString text(const AlertsModel &model, int row, int column, const QModelIndex &parent = {})
{
    return model.index(row, column, parent).data().toString();
}

} // namespace

class TestAlertsModel final : public QObject
{
    Q_OBJECT

private slots:
    void groupsAreReadAsAlertmanagerGivesThem()
    {
        const Result<QList<AlertGroup>> groups =
            parseAlertGroups(answer("alertmanager-groups.json"), 200);
        QVERIFY2(groups, qPrintable(groups.errorString()));
        QCOMPARE(groups->size(), 3);
        QCOMPARE(groups->at(0).receiver, QStringLiteral("opsdeck-demo"));
        QCOMPARE(groups->at(0).labels.value(QStringLiteral("env")), QStringLiteral("production"));
        QCOMPARE(groups->at(0).alerts.size(), 1);
        QCOMPARE(groups->at(0).alerts.first().silencedBy, QStringList{QStringLiteral("s-1")});
        QVERIFY(!parseAlertGroups("{\"not\": \"a list\"", 200));
        QVERIFY(!parseAlertGroups("[]", 500));
    }

    void byRuleThenByGroup()
    {
        AlertsModel model;
        model.setSnapshot(snapshot());
        // The firing rule, the pending one and the one Prometheus cannot evaluate.
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(text(model, 0, AlertsModel::Name), QStringLiteral("InstanceDown"));
        QVERIFY(!model.group(model.index(0, 0)));

        model.setGrouping(AlertsModel::Grouping::ByAlertmanagerGroup);
        // "Elsewhere" is not one of this environment's rules' alerts: its group is left out.
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex production = model.index(0, 0);
        QVERIFY(model.group(production));
        QCOMPARE(text(model, 0, AlertsModel::Name), QStringLiteral("InstanceDown, env=production"));
        QCOMPARE(text(model, 0, AlertsModel::State), QStringLiteral("firing"));
        QCOMPARE(text(model, 0, AlertsModel::Notes),
                 QStringLiteral("receiver opsdeck-demo · 1 silenced"));
        QVERIFY(
            production.data(AlertsModel::KeyRole).toString().startsWith(QStringLiteral("group")));
        QCOMPARE(model.rule(production)->name, QStringLiteral("InstanceDown")); // for the details
        QCOMPARE(model.rowCount(production), 1);
        const QModelIndex web2 = model.index(0, 0, production);
        QVERIFY(model.alert(web2));
        QCOMPARE(model.alert(web2)->labels.value(QStringLiteral("host")), QStringLiteral("web2"));
        QVERIFY(
            text(model, 0, AlertsModel::Notes, production).startsWith(QStringLiteral("silenced")));
        QCOMPARE(model.indexForKey(production.data(AlertsModel::KeyRole).toString()), production);
        QCOMPARE(model.indexForKey(web2.data(AlertsModel::KeyRole).toString()), web2);
        QCOMPARE(text(model, 1, AlertsModel::Name), QStringLiteral("HighErrorRate, env=staging"));
        QCOMPARE(text(model, 1, AlertsModel::State), QStringLiteral("pending"));

        model.setFilterText(QStringLiteral("staging"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(text(model, 0, AlertsModel::Name), QStringLiteral("HighErrorRate, env=staging"));
        model.setFilterText(QString());
        model.setGrouping(AlertsModel::Grouping::ByRule);
        QCOMPARE(text(model, 0, AlertsModel::Name), QStringLiteral("InstanceDown"));
    }
};

QTEST_MAIN(TestAlertsModel)
#include "tst_alertsmodel.moc"
