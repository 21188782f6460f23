// SPDX-License-Identifier: GPL-3.0-or-later
// The secrets tree on a file made by the real sops (3.7.1, with comments): values are masked
// until revealed; comments are encrypted in the file like values but shown as comments.
#include "secrets/identities.h"
#include "secrets/sopsdocument.h"
#include "secretsmodel.h"

#include <QFile>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Sops;

namespace {

QByteArray fixture(const QString &name)
{
    QFile f(qEnvironmentVariable("OPSDECK_TEST_DATA") + QStringLiteral("/fixtures/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** Every row of the tree, depth first. */
QList<QModelIndex> allRows(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QList<QModelIndex> rows;
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex index = model.index(r, 0, parent);
        rows << index;
        rows += allRows(model, index);
    }
    return rows;
}

QString cell(const QModelIndex &row, SecretsModel::Column column)
{
    return row.siblingAtColumn(column).data().toString();
}

} // namespace

class TestSecretsModel final : public QObject
{
    Q_OBJECT

private slots:
    void commentsAreShownAndValuesMasked()
    {
        LoadedIdentities keys;
        parseKeysFile(fixture(QStringLiteral("sops-pr1031/keys.txt")), QStringLiteral("keys.txt"),
                      keys);
        Result<SopsDocument> opened = SopsDocument::open(
            fixture(QStringLiteral("sops-pr1031/example.yaml")), Format::Yaml, keys.identities);
        QVERIFY2(opened, qPrintable(opened.errorString()));
        SopsDocument doc = std::move(opened).value();
        SecretsModel model;
        model.setDocument(&doc);

        int comments = 0;
        for (const QModelIndex &row : allRows(model)) {
            const QString type = cell(row, SecretsModel::TypeColumn);
            if (type == QLatin1String("comment")) {
                ++comments;
                // The decrypted text, as in the plaintext file: not bullets.
                const QString shown = cell(row, SecretsModel::ValueColumn);
                QVERIFY2(shown != SecretsModel::mask() && !shown.isEmpty(), qPrintable(shown));
                QVERIFY2(doc.plaintext().contains(shown.toUtf8()), qPrintable(shown));
                QCOMPARE(cell(row, SecretsModel::StoredColumn), QStringLiteral("encrypted"));
                QVERIFY(!model.isSecret(row));
                QVERIFY(model.isStoredEncrypted(row));
            } else if (model.pathOf(row) == QLatin1String("app2.db.password")) {
                QCOMPARE(cell(row, SecretsModel::ValueColumn), SecretsModel::mask());
                model.setRevealed(row, true);
                QVERIFY(cell(row, SecretsModel::ValueColumn) != SecretsModel::mask());
            }
        }
        QVERIFY(comments >= 3); // the file has comments in maps and in a list
    }
};

QTEST_MAIN(TestSecretsModel)
#include "tst_secretsmodel.moc"
