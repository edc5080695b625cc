import Domain
import Store

/// The platform state is what the journal store keeps: JSON transactions, and compact binary
/// question records in snapshots.
extension PlatformState: StoreState {
    public mutating func apply(_ payload: ArraySlice<UInt8>) throws(StoreError) {
        do throws(DecodeError) {
            if payload.first == UInt8(ascii: "Q") {
                try applyQuestionRecord(payload)
            } else {
                apply(try Transaction(record: payload))
            }
        } catch {
            throw .invalidRecord(error.description)
        }
    }

    public func snapshotRecords() -> [[UInt8]] {
        snapshotTransactions().map(\.record) + questionRecords()
    }
}
