// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "flagsbackend.h"

#include <QJsonDocument>

class QNetworkAccessManager;
class QNetworkReply;

namespace Opsdeck {

/**
 * Flags in an Unleash server (admin API), one Unleash environment of one project. On/off is
 * the environment toggle; a percentage is the flexibleRollout strategy's `rollout`; "on for
 * everyone" is enabled with a 100 % rollout (or the `default` strategy). Other strategies and
 * constraints are shown as rules and left alone.
 */
class UnleashBackend final : public FlagsBackend
{
    Q_OBJECT

public:
    explicit UnleashBackend(FlagsSpec spec, QObject *parent = nullptr);
    ~UnleashBackend() override;

    int capabilities() const override { return Create | Delete | Percent | ServerEvents; }
    QString describe() const override;
    QString deleteCaveat() const override
    {
        return QStringLiteral("Unleash archives the feature: it goes from every environment.");
    }

    /** The environment's state of every feature, from the project list and the export. */
    static QList<FlagState> parseFeatures(const QString &environment,
                                          const QJsonDocument &projectFeatures,
                                          const QJsonDocument &exported);

protected:
    void startLoad(QObject *guard, Loaded done) override;
    void startApply(const FlagEdit &edit, QObject *guard, Written done) override;
    void startEvents(const QString &flagName, QObject *guard, Events done) override;

private:
    using Reply = std::function<void(const Result<QJsonDocument> &)>;
    void request(const QByteArray &verb, const QString &path, const QJsonDocument &body,
                 QObject *guard, Reply done);
    /** Re-reads one feature in this environment (the check before a write). */
    void current(const QString &feature, QObject *guard,
                 std::function<void(const Result<FlagState> &, const QJsonArray &strategies)> done);
    void write(const FlagEdit &edit, const QJsonArray &strategies, QObject *guard, Written done);
    void setRollout(const QString &feature, int percent, const QJsonArray &strategies,
                    QObject *guard, std::function<void(const Status &)> done);
    void toggle(const QString &feature, bool on, QObject *guard,
                std::function<void(const Status &)> done);
    QString featurePath(const QString &feature) const;

    FlagsSpec m_spec;
    QNetworkAccessManager *m_network;
};

} // namespace Opsdeck
