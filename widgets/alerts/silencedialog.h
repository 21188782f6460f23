// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alerts/alerts.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace Opsdeck {

/**
 * A new silence, Alertmanager's "New silence" form: the matchers prefilled from the alert and
 * editable (one per line, amtool's syntax), how long, and why. Says as you type which firing
 * alerts it would silence, so a matcher too wide is seen before it is sent.
 */
class SilenceDialog final : public QDialog
{
    Q_OBJECT

public:
    SilenceDialog(const QString &environment, const QList<SilenceMatcher> &matchers,
                  const AlertsSnapshot &snapshot, QWidget *parent = nullptr);

    /** The silence as filled in, starting now; an error names the line that does not parse. */
    Result<Silence> silence() const;

    QPlainTextEdit *matchersEdit() const { return m_matchers; }
    QComboBox *durationBox() const { return m_duration; }
    QLineEdit *commentEdit() const { return m_comment; }
    QLabel *previewLabel() const { return m_preview; }
    QPushButton *silenceButton() const { return m_ok; }

private:
    Result<QList<SilenceMatcher>> parsedMatchers() const;
    void updatePreview();

    AlertsSnapshot m_snapshot;
    QPlainTextEdit *m_matchers;
    QComboBox *m_duration;
    QLineEdit *m_comment;
    QLabel *m_preview;
    QPushButton *m_ok;
};

} // namespace Opsdeck
