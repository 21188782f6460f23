// SPDX-License-Identifier: GPL-3.0-or-later
// The command-line floor: a Qt Core + Network + Sql program that prints one line. What any Qt
// command-line tool of this kind pays before doing anything (bench/startup.sh compares).
#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QSqlDatabase>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Referenced so the linker keeps both libraries, as a real tool's would be.
    const bool linked = QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")) ||
                        sizeof(QNetworkAccessManager) > 0;
    QTextStream(stdout) << "floor " << linked << "\n";
    return 0;
}
