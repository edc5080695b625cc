/// Reads the records of a journal's bytes and says how the bytes end. Pure.
///
/// A crash can tear only the last append: what follows the last whole record is then a prefix of
/// one record (possibly with zero-filled holes). So the bytes after the last whole record are a
/// torn tail exactly when no whole, valid record starts anywhere inside them; otherwise they are
/// damage, and cutting them off would lose acknowledged records.
enum JournalScan {
    enum End: Equatable {
        /// Every byte belongs to a whole record.
        case clean
        /// The bytes from `offset` on are a torn final append (or one still being written).
        case torn(offset: Int)
        /// The bytes at `offset` are damaged and more records follow.
        case damaged(offset: Int, reason: String)
    }

    /// Calls `visit` for each whole record in order, with the offset after it, then says how the
    /// bytes end. A throwing `visit` stops the scan.
    static func scan(
        _ bytes: [UInt8], visit: (ArraySlice<UInt8>, Int) throws(StoreError) -> Void
    ) throws(StoreError) -> End {
        var offset = 0
        while offset < bytes.count {
            switch Record.decode(bytes, at: offset) {
            case .record(let payload, let next):
                try visit(payload, next)
                offset = next
            case .incomplete:
                guard let later = laterRecord(in: bytes, after: offset) else { return .torn(offset: offset) }
                let reason = "a record is cut short, and a whole record follows at byte \(later)"
                return .damaged(offset: offset, reason: reason)
            case .damaged(let why):
                guard laterRecord(in: bytes, after: offset) != nil else { return .torn(offset: offset) }
                return .damaged(offset: offset, reason: why)
            }
        }
        return .clean
    }

    /// The offset of the first whole, valid record that starts after `offset`, if any.
    static func laterRecord(in bytes: [UInt8], after offset: Int) -> Int? {
        var i = offset + 1
        let m0 = UInt8(Record.magic & 0xFF)
        while i + Record.headerSize <= bytes.count {
            if bytes[i] == m0, case .record = Record.decode(bytes, at: i) { return i }
            i += 1
        }
        return nil
    }
}
