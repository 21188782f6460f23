// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "secrets/sopsdocument.h"

#include <QAbstractItemModel>
#include <QSet>

#include <memory>
#include <vector>

namespace Opsdeck {

/**
 * An open sops document as a tree: key, value (masked until revealed), type, and whether the
 * value is stored encrypted or in clear. Values, keys and comments are edited in place; adding,
 * renaming and deleting keys go through here too, so the view and the document never disagree.
 */
class SecretsModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { KeyColumn, ValueColumn, TypeColumn, StoredColumn, ColumnCount };
    /** What a masked value shows (eight bullets, whatever the length of the value). */
    static QString mask() { return QString(8, QChar(0x2022)); }

    explicit SecretsModel(QObject *parent = nullptr);
    ~SecretsModel() override;

    /** The model does not own the document; it must outlive the model or be replaced. */
    void setDocument(Sops::SopsDocument *document);
    Sops::SopsDocument *document() const { return m_document; }

    /** Dotted path of a row ("db.password", "hosts[1]"); for the audit log and copy. */
    QString pathOf(const QModelIndex &index) const;
    QModelIndex indexOfPath(const QString &path, int column = KeyColumn) const;
    /** The plaintext of a value or comment, revealed or not (copying needs it). */
    QByteArray plainValue(const QModelIndex &index) const;
    /** A value masked until revealed: stored encrypted, and not a comment. */
    bool isSecret(const QModelIndex &index) const;
    /** Encrypted in the file (comments are, like values, unless the rule leaves them clear). */
    bool isStoredEncrypted(const QModelIndex &index) const;

    void setRevealed(const QModelIndex &index, bool revealed);
    bool isRevealed(const QModelIndex &index) const;
    void setRevealAll(bool reveal);
    bool revealAll() const { return m_revealAll; }

    /** A new string under a map (or the top level); false when the name is taken or invalid. */
    QModelIndex addKey(const QModelIndex &parentMap, const QString &name, const QByteArray &value);
    bool removeKey(const QModelIndex &index);
    /** Paths changed since the document was set (names only: the audit log never sees values). */
    QStringList changedPaths() const;
    /** After a save: nothing is "changed" any more (what is revealed stays revealed). */
    void clearChanges();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

signals:
    void edited();

private:
    struct Item;
    Item *itemAt(const QModelIndex &index) const;
    void rebuild();
    void valuesChanged(const QModelIndex &parent);
    void buildChildren(Item *item);
    Sops::Node *nodeOf(const Item *item) const;
    QStringList keyPathOf(const Item *item) const;

    Sops::SopsDocument *m_document = nullptr;
    std::unique_ptr<Item> m_root;
    QSet<QString> m_revealed;
    QSet<QString> m_changed;
    bool m_revealAll = false;
};

} // namespace Opsdeck
