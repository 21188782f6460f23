// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace Opsdeck {

/** A YAML config file checked as the editor types: the first parse error and an outline. */
struct YamlCheck
{
    struct Problem
    {
        int line = 0;   // 1-based
        int column = 0; // 1-based
        QString message;
        QString toString() const;
    };
    struct OutlineItem
    {
        QString key;
        int line = 0; // 1-based
        int depth = 0;
    };
    std::optional<Problem> problem;
    QList<OutlineItem> outline; // mapping keys, in document order, a few levels deep
    int documents = 0;

    bool ok() const { return !problem; }
};

/** Parses with yaml-cpp (every document of a stream); never throws. */
YamlCheck checkYaml(const QByteArray &text, int outlineDepth = 4);

} // namespace Opsdeck
