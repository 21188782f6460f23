// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/yamlcheck.h"
#include "configeditor.h"

#include <QTimer>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace Opsdeck {

/**
 * A YAML config file as text: syntax colours, a check as you type (yaml-cpp's error with its
 * line:column, the line underlined) and an outline of the keys to jump around. A file that
 * does not parse cannot be saved.
 */
class YamlEditor final : public ConfigEditor
{
    Q_OBJECT

public:
    explicit YamlEditor(QWidget *parent = nullptr);

    QByteArray content() const override;
    void setContent(const QByteArray &bytes) override;
    bool isModified() const override;
    Status checkBeforeSave() const override;
    QString changeSummary() const override;

    QPlainTextEdit *text() const { return m_text; }
    QTreeWidget *outline() const { return m_outline; }
    QLabel *problemLabel() const { return m_problem; }
    /** Runs the (normally debounced) check now. */
    void checkNow();
    const YamlCheck &lastCheck() const { return m_check; }

private:
    void showCheck();
    void goToLine(int line);

    QPlainTextEdit *m_text;
    QTreeWidget *m_outline;
    QLabel *m_problem;
    QTimer m_debounce;
    YamlCheck m_check;
    QByteArray m_loaded;
};

} // namespace Opsdeck
