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

    /// A transaction parsed into changes, a snapshot's binary configurations, or a binary
    /// question record (cheap to apply as is).
    public enum Decoded: Sendable {
        case transaction(Transaction)
        case configurations(ConfigBatch.Decoded)
        case questions(ArraySlice<UInt8>)
    }

    /// Decodes one record without the state (on the snapshot loader's second thread).
    public static func decode(_ payload: ArraySlice<UInt8>) throws(StoreError) -> Decoded {
        if payload.first == UInt8(ascii: "Q") { return .questions(payload) }
        do throws(DecodeError) {
            if payload.first == ConfigBatch.marker {
                return .configurations(try ConfigBatch.decoded(payload))
            }
            return .transaction(try Transaction(record: payload))
        } catch {
            throw .invalidRecord(error.description)
        }
    }

    /// Applies a decoded record.
    public mutating func apply(decoded: Decoded) throws(StoreError) {
        switch decoded {
        case .transaction(let tx): apply(tx)
        case .configurations(let batch): apply(batch)
        case .questions(let payload):
            do throws(DecodeError) { try applyQuestionRecord(payload) } catch {
                throw .invalidRecord(error.description)
            }
        }
    }

    /// Transactions `{"c":[…]}` join into one whose changes are theirs in order (applying a
    /// transaction applies its changes in order, so the effect is the same).
    public static func merge(_ payloads: [[UInt8]]) -> [UInt8]? {
        let head = Array(#"{"c":["#.utf8)
        let tail = Array("]}".utf8)
        var out = head
        out.reserveCapacity(payloads.reduce(0) { $0 + $1.count })
        for (k, p) in payloads.enumerated() {
            guard p.count > head.count + tail.count, p.starts(with: head), p.suffix(2).elementsEqual(tail) else {
                return nil
            }
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: p[head.count..<(p.count - tail.count)])
        }
        out.append(contentsOf: tail)
        return out
    }

    /// Every JSON record must nest less deeply than the store reads back.
    public static func checkReadable(_ payload: [UInt8]) throws(StoreError) {
        // Binary records nest nothing but a configuration's kwargs, which a JSON record held
        // before (a snapshot is made of what the journal already read back).
        guard payload.first != UInt8(ascii: "Q"), payload.first != ConfigBatch.marker else { return }
        let depth = JSONDepth.maximum(in: payload)
        if depth > Transaction.writableDepth {
            throw .invalidRecord(
                "the record nests \(depth) levels, more than the \(Transaction.writableDepth) the store writes")
        }
    }

    /// The records that rebuild this state: transactions of every entity but the configurations,
    /// then the configurations and the questions in binary records.
    public func snapshotRecords() -> [[UInt8]] {
        snapshotTransactions(includingConfigurations: false).map(\.record) + configurationRecords()
            + questionRecords()
    }
}
