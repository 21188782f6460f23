// SPDX-License-Identifier: GPL-3.0-or-later
#include "silencedialog.h"

#include "alerts/alertsclient.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

struct Duration
{
    const char *text;
    qint64 minutes;
};

// Alertmanager's UI offers a free duration; these cover what on-call silences are for (a
// maintenance, the night, a known-broken week) and read better than "2h" in a field.
constexpr Duration kDurations[] = {{"30 minutes", 30},   {"1 hour", 60},      {"2 hours", 120},
                                   {"4 hours", 240},     {"8 hours", 480},    {"1 day", 1440},
                                   {"3 days", 3 * 1440}, {"1 week", 7 * 1440}};

} // namespace

SilenceDialog::SilenceDialog(const QString &environment, const QList<SilenceMatcher> &matchers,
                             const AlertsSnapshot &snapshot, QWidget *parent)
    : QDialog(parent)
    , m_snapshot(snapshot)
    , m_matchers(new QPlainTextEdit(this))
    , m_duration(new QComboBox(this))
    , m_comment(new QLineEdit(this))
    , m_preview(new QLabel(this))
{
    setWindowTitle(tr("Silence alerts of %1").arg(environment));
    QStringList lines;
    for (const SilenceMatcher &m : matchers)
        lines << m.text();
    m_matchers->setObjectName(QStringLiteral("silenceMatchers"));
    m_matchers->setPlainText(lines.join(QLatin1Char('\n')));
    m_matchers->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_matchers->setTabChangesFocus(true);
    m_matchers->setFixedHeight(m_matchers->fontMetrics().lineSpacing() * 6);
    m_matchers->setToolTip(tr("One matcher per line: name=\"value\", name!=\"value\", "
                              "name=~\"regex\", name!~\"regex\""));
    for (const Duration &d : kDurations)
        m_duration->addItem(QString::fromLatin1(d.text), d.minutes);
    m_duration->setCurrentIndex(1);
    m_comment->setObjectName(QStringLiteral("silenceComment"));
    m_comment->setPlaceholderText(tr("why (required; Alertmanager and the audit log keep it)"));
    m_preview->setTextFormat(Qt::PlainText); // alert names come from the server
    m_preview->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Matchers"), m_matchers);
    form->addRow(tr("For"), m_duration);
    form->addRow(tr("Comment"), m_comment);
    auto *author = new QLabel(silenceAuthor(), this);
    author->setTextFormat(Qt::PlainText);
    form->addRow(tr("Created by"), author);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(tr("Silence"), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(QStringLiteral("silenceButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_preview);
    layout->addWidget(buttons);
    connect(m_matchers, &QPlainTextEdit::textChanged, this, &SilenceDialog::updatePreview);
    connect(m_comment, &QLineEdit::textChanged, this, &SilenceDialog::updatePreview);
    updatePreview();
    m_comment->setFocus();
    resize(560, sizeHint().height());
}

Result<QList<SilenceMatcher>> SilenceDialog::parsedMatchers() const
{
    QList<SilenceMatcher> parsed;
    const QStringList lines = m_matchers->toPlainText().split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const Result<SilenceMatcher> m = SilenceMatcher::parse(line);
        if (!m)
            return Result<QList<SilenceMatcher>>::failure(
                tr("line %1: %2").arg(i + 1).arg(m.errorString()));
        parsed << *m;
    }
    if (parsed.isEmpty())
        return Result<QList<SilenceMatcher>>::failure(tr("at least one matcher is needed"));
    return parsed;
}

Result<Silence> SilenceDialog::silence() const
{
    Result<QList<SilenceMatcher>> matchers = parsedMatchers();
    if (!matchers)
        return Result<Silence>(matchers.error());
    Silence s;
    s.matchers = std::move(matchers.value());
    s.startsAtMs = QDateTime::currentMSecsSinceEpoch();
    s.endsAtMs = s.startsAtMs + m_duration->currentData().toLongLong() * 60'000;
    s.createdBy = silenceAuthor();
    s.comment = m_comment->text().trimmed();
    return s;
}

void SilenceDialog::updatePreview()
{
    const Result<Silence> s = silence();
    m_ok->setEnabled(s && !m_comment->text().trimmed().isEmpty());
    if (!s) {
        m_preview->setText(tr("Not a silence yet: %1").arg(s.errorString()));
        return;
    }
    QStringList matched;
    for (const AlertRule &rule : m_snapshot.rules)
        for (const AlertInstance &a : rule.alerts)
            if (s->matches(a.labels))
                matched << a.title(rule.distinguishingLabels());
    if (matched.isEmpty()) {
        m_preview->setText(tr("Matches no alert firing or pending now; it silences those that "
                              "match while it lasts."));
        return;
    }
    const int total = int(matched.size());
    if (total > 8)
        matched = matched.mid(0, 8) << tr("…");
    m_preview->setText(
        (total == 1 ? tr("Silences 1 alert now: %2") : tr("Silences %1 alerts now: %2").arg(total))
            .arg(matched.join(QStringLiteral(", "))));
}

} // namespace Opsdeck
