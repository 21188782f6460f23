// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparesecretsdialog.h"

#include "common/futures.h"
#include "secrets/secretsfiles.h"
#include "statuscolors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace Opsdeck {

namespace {

using Kind = Sops::KeyDifference::Kind;

/** One environment's secrets files, open, and their values by path (pointing into them). */
struct Side
{
    QList<std::shared_ptr<Sops::SopsDocument>> documents;
    QList<std::pair<QString, const Sops::Node *>> leaves;
    QStringList errors;
};

/** Every key of an environment's secrets files (the first file wins on a clash). */
Side readEnvironment(const EnvironmentSpec &env)
{
    Side side;
    for (const QString &path : env.secrets) {
        const Result<OpenedSecretsFile> opened = openSecretsFile(path);
        if (!opened) {
            side.errors << opened.errorString();
            continue;
        }
        side.documents << opened->document;
        side.leaves += Sops::leavesByPath(opened->document->data());
    }
    return side;
}

QString kindText(Kind kind, const QString &left, const QString &right)
{
    switch (kind) {
    case Kind::OnlyLeft:
        return QObject::tr("only in %1").arg(left);
    case Kind::OnlyRight:
        return QObject::tr("only in %1").arg(right);
    case Kind::Differs:
        return QObject::tr("differs");
    case Kind::Same:
        break;
    }
    return QObject::tr("same");
}

} // namespace

CompareSecretsDialog::CompareSecretsDialog(const Workspace &workspace, const QString &environment,
                                           QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_left(new QComboBox)
    , m_right(new QComboBox)
    , m_showValues(new QCheckBox(tr("Show values")))
    , m_onlyDifferences(new QCheckBox(tr("Only differences")))
    , m_summary(new QLabel)
    , m_table(new QTreeWidget)
{
    setWindowTitle(tr("Compare secrets between environments"));
    resize(820, 520);
    const QStringList names = workspace.environmentNames();
    m_left->addItems(names);
    m_right->addItems(names);
    m_left->setCurrentText(environment);
    const qsizetype other = names.indexOf(environment) == 0 ? 1 : 0;
    m_right->setCurrentIndex(int(qMin(other, names.size() - 1)));
    m_onlyDifferences->setChecked(true);
    m_table->setRootIsDecorated(false);
    m_table->setAlternatingRowColors(true);
    m_table->header()->setSectionResizeMode(QHeaderView::Interactive);

    auto *pick = new QHBoxLayout;
    pick->addWidget(m_left, 1);
    pick->addWidget(new QLabel(QStringLiteral("⇄")));
    pick->addWidget(m_right, 1);
    pick->addWidget(m_onlyDifferences);
    pick->addWidget(m_showValues);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(pick);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto recompare = [this] {
        compare(m_left->currentText(), m_right->currentText());
    };
    connect(m_left, &QComboBox::currentTextChanged, this, recompare);
    connect(m_right, &QComboBox::currentTextChanged, this, recompare);
    connect(m_showValues, &QCheckBox::toggled, this, &CompareSecretsDialog::fill);
    connect(m_onlyDifferences, &QCheckBox::toggled, this, &CompareSecretsDialog::fill);
    recompare();
}

void CompareSecretsDialog::compare(const QString &left, const QString &right)
{
    const EnvironmentSpec *a = m_workspace.environment(left);
    const EnvironmentSpec *b = m_workspace.environment(right);
    if (!a || !b)
        return;
    m_summary->setText(tr("Decrypting the secrets of %1 and %2…").arg(left, right));
    const int generation = ++m_generation;
    auto future = QtConcurrent::run([a = *a, b = *b] {
        const Side l = readEnvironment(a), r = readEnvironment(b);
        return std::make_pair(Sops::compareLeaves(l.leaves, r.leaves), l.errors + r.errors);
    });
    onFinished(future, this, [this, generation, left, right](const auto &result) {
        if (generation != m_generation)
            return; // the user picked other environments meanwhile
        m_differences = result.first;
        m_table->setHeaderLabels({tr("Key"), left, right, tr("Difference")});
        fill();
        if (!result.second.isEmpty())
            m_summary->setText(m_summary->text() + QLatin1Char('\n') +
                               result.second.join(QLatin1Char('\n')));
        emit compared();
    });
}

void CompareSecretsDialog::fill()
{
    m_table->clear();
    const QString left = m_left->currentText(), right = m_right->currentText();
    int counts[4] = {0, 0, 0, 0};
    const auto shown = [this](const QByteArray &value, bool present) {
        if (!present)
            return tr("—");
        return m_showValues->isChecked() ? QString::fromUtf8(value) : QString(8, QChar(0x2022));
    };
    for (const Sops::KeyDifference &d : m_differences) {
        ++counts[int(d.kind)];
        if (d.kind == Kind::Same && m_onlyDifferences->isChecked())
            continue;
        auto *item = new QTreeWidgetItem(m_table, {d.path, shown(d.left, d.kind != Kind::OnlyRight),
                                                   shown(d.right, d.kind != Kind::OnlyLeft),
                                                   kindText(d.kind, left, right)});
        if (d.kind != Kind::Same)
            item->setForeground(
                3, healthColor(d.kind == Kind::Differs ? Health::Warning : Health::Critical));
    }
    m_summary->setText(tr("%1 only in %2, %3 only in %4, %5 differ, %6 the same")
                           .arg(counts[int(Kind::OnlyLeft)])
                           .arg(left)
                           .arg(counts[int(Kind::OnlyRight)])
                           .arg(right)
                           .arg(counts[int(Kind::Differs)])
                           .arg(counts[int(Kind::Same)]));
    m_table->resizeColumnToContents(0);
}

} // namespace Opsdeck
