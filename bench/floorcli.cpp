// SPDX-License-Identifier: GPL-3.0-or-later
// The command-line floor: a Qt Core + Network + Sql program that prints one line. What any Qt
// command-line tool of this kind pays before doing anything (bench/startup.sh compares).
#include <QCoreApplication>
#include <QNetworkRequest>
#include <QSqlDatabase>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Both libraries called, so the linker keeps them (with --as-needed a library only named,
    // as a sizeof is, is dropped and the floor would be Qt Core + Sql alone).
    const QNetworkRequest request(QUrl(QStringLiteral("http://localhost/")));
    const bool linked =
        QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")) && request.url().isValid();
    QTextStream(stdout) << "floor " << linked << "\n";
    return 0;
}
