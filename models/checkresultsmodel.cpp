// SPDX-License-Identifier: GPL-3.0-or-later
#include "checkresultsmodel.h"

#include "statuscolors.h"

namespace Opsdeck {

namespace {

Health healthOf(Verdict v)
{
    switch (v) {
    case Verdict::Ok:
        return Health::Good;
    case Verdict::Warning:
    case Verdict::NotRun:
        return Health::Warning;
    case Verdict::Critical:
        return Health::Critical;
    case Verdict::Skipped:
        break;
    }
    return Health::Unknown;
}

} // namespace

CheckResultsModel::CheckResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void CheckResultsModel::setReport(const HealthReport &report)
{
    const bool sameChecks = report.checks.size() == m_report.checks.size();
    if (!sameChecks) {
        beginResetModel(); // first report only: the catalogue does not change between refreshes
        m_report = report;
        endResetModel();
        return;
    }
    m_report = report;
    if (!m_report.checks.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_report.checks.size()) - 1, ColumnCount - 1));
}

const CheckResult *CheckResultsModel::check(int row) const
{
    return row >= 0 && row < m_report.checks.size() ? &m_report.checks[row] : nullptr;
}

int CheckResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_report.checks.size());
}

int CheckResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CheckResultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const CheckResult &c = m_report.checks.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Verdict_)
            return verdictName(c.verdict);
        if (index.column() == Title)
            return c.findings.isEmpty()
                       ? c.title
                       : QStringLiteral("%1 (%2)").arg(c.title).arg(c.findings.size());
        return c.summary.simplified().left(240);
    case Qt::DecorationRole:
        return index.column() == Verdict_ ? QVariant(healthIcon(healthOf(c.verdict))) : QVariant();
    case Qt::ToolTipRole:
        return c.explanation;
    case VerdictRole:
        return int(c.verdict);
    case NameRole:
        return c.name;
    }
    return {};
}

QVariant CheckResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = {"Verdict", "Check", "Finding"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section])
                                                 : QVariant();
}

} // namespace Opsdeck
