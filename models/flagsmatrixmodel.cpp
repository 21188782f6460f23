// SPDX-License-Identifier: GPL-3.0-or-later
#include "flagsmatrixmodel.h"

#include "common/formatting.h"
#include "statuscolors.h"

#include <QFont>
#include <QLocale>

namespace Opsdeck {

namespace {

Health effectHealth(FlagState::Effect effect)
{
    switch (effect) {
    case FlagState::Effect::On:
        return Health::Good;
    case FlagState::Effect::Partial:
        return Health::Warning;
    case FlagState::Effect::Off:
        break;
    }
    return Health::Unknown;
}

const QColor kDiffersTint(255, 243, 205); // a pale amber: "look here"
const QColor kHomeTint(232, 240, 254);    // a pale blue: "this pane's environment"

} // namespace

FlagsMatrixModel::FlagsMatrixModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void FlagsMatrixModel::setEnvironments(const QStringList &names)
{
    beginResetModel();
    m_environments = names;
    m_flags.clear();
    m_errors.clear();
    m_loaded.clear();
    m_rows.clear();
    m_rowOfKey.clear();
    endResetModel();
}

void FlagsMatrixModel::setFlags(const QString &environment, const QList<FlagState> &flags)
{
    m_flags.insert(environment, flags);
    m_errors.remove(environment);
    m_loaded.insert(environment);
    rebuild();
}

void FlagsMatrixModel::setError(const QString &environment, const QString &error)
{
    m_flags.remove(environment);
    m_loaded.remove(environment);
    m_errors.insert(environment, error);
    rebuild();
}

void FlagsMatrixModel::setEnvironmentDescription(const QString &environment,
                                                 const QString &description)
{
    m_descriptions.insert(environment, description);
    if (const int column = columnOf(environment); column > 0)
        emit headerDataChanged(Qt::Horizontal, column, column);
}

void FlagsMatrixModel::setHomeEnvironment(const QString &environment)
{
    m_home = environment;
    if (!m_environments.isEmpty()) {
        emit headerDataChanged(Qt::Horizontal, 1, int(m_environments.size()));
        emit dataChanged(index(0, 1), index(rowCount() - 1, int(m_environments.size())));
    }
}

void FlagsMatrixModel::setNow(const QDateTime &now)
{
    m_now = now;
    rebuild();
}

void FlagsMatrixModel::rebuild()
{
    beginResetModel();
    QHash<QString, Row> byKey;
    for (const QString &env : std::as_const(m_environments))
        for (const FlagState &f : m_flags.value(env)) {
            Row &row = byKey[flagKey(f)];
            row.key = flagKey(f);
            row.states.insert(env, f);
            if (f.modified.isValid() &&
                (!row.lastChanged.isValid() || f.modified > row.lastChanged))
                row.lastChanged = f.modified;
        }
    m_rows.clear();
    m_rows.reserve(byKey.size());
    for (Row &row : byKey) {
        classify(row);
        m_rows << std::move(row);
    }
    // By name; a flag before a switch or sample of the same name.
    std::sort(m_rows.begin(), m_rows.end(), [](const Row &a, const Row &b) {
        const QString an = a.key.section(QLatin1Char(':'), 1),
                      bn = b.key.section(QLatin1Char(':'), 1);
        return an != bn ? an < bn : a.key < b.key;
    });
    m_rowOfKey.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOfKey.insert(m_rows.at(i).key, i);
    endResetModel();
}

void FlagsMatrixModel::classify(Row &row) const
{
    const FlagState *first = nullptr;
    bool everywhere = true, sameEffect = true;
    row.differs = false;
    for (const QString &env : m_environments) {
        if (!m_loaded.contains(env))
            continue;
        const auto it = row.states.constFind(env);
        if (it == row.states.constEnd()) {
            everywhere = false;
            row.differs = true;
            continue;
        }
        if (!first) {
            first = &*it;
            continue;
        }
        if (!it->sameBehaviour(*first))
            row.differs = true;
        if (it->effect() != first->effect())
            sameEffect = false;
    }
    const QDateTime now = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    row.stale = first && everywhere && sameEffect && first->kind != FlagState::Kind::Sample &&
                first->effect() != FlagState::Effect::Partial && row.lastChanged.isValid() &&
                row.lastChanged.daysTo(now) >= kStaleAfterDays;
}

QString FlagsMatrixModel::environmentAt(int column) const
{
    return m_environments.value(column - 1);
}

int FlagsMatrixModel::columnOf(const QString &environment) const
{
    const qsizetype i = m_environments.indexOf(environment);
    return i < 0 ? -1 : int(i) + 1;
}

int FlagsMatrixModel::rowOf(const QString &key) const
{
    return m_rowOfKey.value(key, -1);
}

QString FlagsMatrixModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).key : QString();
}

const FlagState *FlagsMatrixModel::state(int row, const QString &environment) const
{
    if (row < 0 || row >= m_rows.size())
        return nullptr;
    const auto &states = m_rows.at(row).states;
    const auto it = states.constFind(environment);
    return it == states.constEnd() ? nullptr : &*it;
}

const FlagState *FlagsMatrixModel::anyState(int row) const
{
    if (row < 0 || row >= m_rows.size() || m_rows.at(row).states.isEmpty())
        return nullptr;
    return &*m_rows.at(row).states.constBegin();
}

int FlagsMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FlagsMatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_environments.size()) + 2;
}

QVariant FlagsMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case DiffersRole:
        return row.differs;
    case StaleRole:
        return row.stale;
    case KeyRole:
        return row.key;
    case EnvironmentRole:
        return environmentAt(index.column());
    default:
        break;
    }
    if (index.column() == 0)
        return nameData(row, role);
    if (index.column() == columnCount() - 1)
        return changedData(row, role);
    return cellData(row, environmentAt(index.column()), role);
}

QVariant FlagsMatrixModel::nameData(const Row &row, int role) const
{
    const FlagState &any = *row.states.constBegin();
    switch (role) {
    case Qt::DisplayRole:
        return any.kind == FlagState::Kind::Flag
                   ? any.name
                   : QStringLiteral("%1 (%2)").arg(any.name, kindName(any.kind));
    case Qt::ToolTipRole: {
        QStringList lines{QStringLiteral("%1 %2").arg(kindName(any.kind), any.name)};
        if (!any.note.isEmpty())
            lines << any.note;
        if (row.differs)
            lines << QStringLiteral("Differs between environments.");
        if (row.stale)
            lines << QStringLiteral("Removal candidate: unchanged for %1+ days and %2 everywhere.")
                         .arg(kStaleAfterDays)
                         .arg(any.effect() == FlagState::Effect::On ? QStringLiteral("on")
                                                                    : QStringLiteral("off"));
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::FontRole: {
        QFont font;
        font.setBold(row.differs);
        font.setItalic(row.stale);
        return font;
    }
    case Qt::BackgroundRole:
        return row.differs ? QVariant(kDiffersTint) : QVariant();
    default:
        return {};
    }
}

QVariant FlagsMatrixModel::cellData(const Row &row, const QString &environment, int role) const
{
    const auto it = row.states.constFind(environment);
    if (it == row.states.constEnd()) {
        const bool failed = m_errors.contains(environment);
        switch (role) {
        case Qt::DisplayRole:
            return failed                           ? QStringLiteral("?")
                   : m_loaded.contains(environment) ? QStringLiteral("—")
                                                    : QStringLiteral("…");
        case Qt::ToolTipRole:
            return failed ? m_errors.value(environment)
                   : m_loaded.contains(environment)
                       ? QStringLiteral("Not defined in %1 (waffle treats a missing flag as off)")
                             .arg(environment)
                       : QStringLiteral("Loading…");
        case Qt::ForegroundRole:
            return QColor(Qt::gray);
        case Qt::BackgroundRole:
            return row.differs && m_loaded.contains(environment) ? QVariant(kDiffersTint)
                   : environment == m_home                       ? QVariant(kHomeTint)
                                                                 : QVariant();
        default:
            return {};
        }
    }
    const FlagState &f = *it;
    switch (role) {
    case Qt::DisplayRole:
        return f.summary();
    case Qt::DecorationRole:
        return healthIcon(effectHealth(f.effect()));
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1 in %2\n\n%3").arg(f.name, environment, f.rules());
        if (f.modified.isValid())
            tip += QStringLiteral("\n\nchanged %1 (%2)")
                       .arg(QLocale().toString(f.modified.toLocalTime(), QLocale::ShortFormat),
                            formatAgo(f.modified,
                                      m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc()));
        return tip;
    }
    case Qt::BackgroundRole:
        return row.differs             ? QVariant(kDiffersTint)
               : environment == m_home ? QVariant(kHomeTint)
                                       : QVariant();
    default:
        return {};
    }
}

QVariant FlagsMatrixModel::changedData(const Row &row, int role) const
{
    const QDateTime now = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    switch (role) {
    case Qt::DisplayRole:
        if (!row.lastChanged.isValid())
            return QString();
        return row.stale ? formatAgo(row.lastChanged, now) + QStringLiteral(" · stale")
                         : formatAgo(row.lastChanged, now);
    case Qt::ToolTipRole:
        return row.lastChanged.isValid()
                   ? QLocale().toString(row.lastChanged.toLocalTime(), QLocale::LongFormat)
                   : QVariant();
    case Qt::ForegroundRole:
        return row.stale ? QVariant(healthColor(Health::Warning)) : QVariant(QColor(Qt::gray));
    default:
        return {};
    }
}

QVariant FlagsMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    const bool isEnvironment = section > 0 && section <= m_environments.size();
    if (role == Qt::DisplayRole) {
        if (section == 0)
            return QStringLiteral("Flag");
        return isEnvironment ? environmentAt(section) : QStringLiteral("Last change");
    }
    if (role == Qt::FontRole && isEnvironment && environmentAt(section) == m_home) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ToolTipRole && isEnvironment) {
        const QString env = environmentAt(section);
        QStringList lines{m_descriptions.value(env)};
        if (env == m_home)
            lines.prepend(QStringLiteral("This pane's environment: a toggle on a flag's name "
                                         "changes it here"));
        if (m_errors.contains(env))
            lines << QStringLiteral("Could not read: ") + m_errors.value(env);
        lines.removeAll(QString());
        return lines.join(QLatin1Char('\n'));
    }
    if (role == Qt::DecorationRole && isEnvironment && m_errors.contains(environmentAt(section)))
        return healthIcon(Health::Critical);
    return {};
}

void FlagsFilterModel::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void FlagsFilterModel::setDifferencesOnly(bool on)
{
    m_differencesOnly = on;
    invalidateFilter();
}

void FlagsFilterModel::setStaleOnly(bool on)
{
    m_staleOnly = on;
    invalidateFilter();
}

bool FlagsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_differencesOnly && !index.data(FlagsMatrixModel::DiffersRole).toBool())
        return false;
    if (m_staleOnly && !index.data(FlagsMatrixModel::StaleRole).toBool())
        return false;
    return m_text.isEmpty() || index.data(FlagsMatrixModel::KeyRole)
                                   .toString()
                                   .section(QLatin1Char(':'), 1)
                                   .contains(m_text, Qt::CaseInsensitive);
}

} // namespace Opsdeck
