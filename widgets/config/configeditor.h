// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/result.h"

#include <QWidget>

namespace Opsdeck {

/** What the config pane needs from an editor of one file (.env table or YAML text). */
class ConfigEditor : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    virtual QByteArray content() const = 0;
    /** Loads a version as the unmodified state. */
    virtual void setContent(const QByteArray &bytes) = 0;
    virtual bool isModified() const = 0;
    /** Why the content must not be saved (a YAML parse error), or success. */
    virtual Status checkBeforeSave() const { return success(); }
    /** What changed since setContent(), for the audit log: key names, never values. */
    virtual QString changeSummary() const = 0;

signals:
    void modifiedChanged(bool modified);
};

} // namespace Opsdeck
