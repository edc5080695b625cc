import Domain
import JSONRPC
import Store

/// The platform state is what the journal store keeps: JSON transactions, and compact binary
/// question records in snapshots.
extension PlatformState: StoreState {
    /// Applies one record as read from the journal or a snapshot.
    public mutating func apply(_ payload: ArraySlice<UInt8>) throws(StoreError) {
        try apply(decoded: Self.decode(payload))
    }

    /// A transaction parsed into changes, or a binary question record (cheap to apply as is).
    public enum Decoded: Sendable {
        case transaction(Transaction)
        case questions(ArraySlice<UInt8>)
    }

    /// Decodes one record without the state (on the snapshot loader's second thread).
    public static func decode(_ payload: ArraySlice<UInt8>) throws(StoreError) -> Decoded {
        if payload.first == UInt8(ascii: "Q") { return .questions(payload) }
        do throws(DecodeError) { return .transaction(try Transaction(record: payload)) } catch {
            throw .invalidRecord(error.description)
        }
    }

    /// Applies a decoded record.
    public mutating func apply(decoded: Decoded) throws(StoreError) {
        switch decoded {
        case .transaction(let tx): apply(tx)
        case .questions(let payload):
            do throws(DecodeError) { try applyQuestionRecord(payload) } catch {
                throw .invalidRecord(error.description)
            }
        }
    }

    /// Every JSON record must nest less deeply than the store reads back.
    public static func checkReadable(_ payload: [UInt8]) throws(StoreError) {
        guard payload.first != UInt8(ascii: "Q") else { return }
        let depth = JSONDepth.maximum(in: payload)
        if depth > Transaction.writableDepth {
            throw .invalidRecord(
                "the record nests \(depth) levels, more than the \(Transaction.writableDepth) the store writes")
        }
    }

    /// The records that rebuild this state: transactions of every entity, then question records.
    public func snapshotRecords() -> [[UInt8]] {
        snapshotTransactions().map(\.record) + questionRecords()
    }
}
