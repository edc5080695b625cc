import JSONRPC

/// Configurations in a snapshot without JSON: a big store is mostly configurations, and reading
/// each one back as a JSON object (a tree of values, a string per member name, a lookup per
/// field) was most of what opening it cost.
///
/// `C`, version `1`, count (u32 LE), then per configuration: kind (u8: 0 assistant, 1 app,
/// 2 service), flags (u8: 1 lifecycle-pinned, 2 has a transcription model), createdAt and
/// updatedAt (i64 LE), then as length-prefixed (u32 LE) UTF-8: id, tenantId, spaceId, name,
/// completionModelId, createdBy, kwargs (its JSON text) and, when flagged, transcriptionModelId.
/// Only snapshots hold these records (the journal keeps JSON transactions); a record is checked
/// whole by its checksum before it is decoded, and decoding still checks every length, kind and
/// string.
public enum ConfigBatch {
    /// The first byte of such a record (JSON records start with `{`, question records with `Q`).
    public static let marker = UInt8(ascii: "C")
    static let version: UInt8 = 1
    /// Configurations per record.
    public static let batch = 2000

    /// The record of `items`.
    public static func record(_ items: some Collection<ConfigItem>) -> [UInt8] {
        var out: [UInt8] = [marker, version]
        out.reserveCapacity(16 + items.count * 200)
        append(UInt32(items.count), to: &out)
        for c in items {
            out.append(UInt8(ConfigUsage.slot(of: c.kind)))
            out.append((c.lifecyclePinned ? 1 : 0) | (c.transcriptionModelId == nil ? 0 : 2))
            append(UInt64(bitPattern: c.createdAt), to: &out)
            append(UInt64(bitPattern: c.updatedAt), to: &out)
            for s in [c.id, c.tenantId, c.spaceId, c.name, c.completionModelId, c.createdBy] { append(s, to: &out) }
            if c.kwargs.isEmpty {
                append(UInt32(2), to: &out)
                out += [UInt8(ascii: "{"), UInt8(ascii: "}")]
            } else {
                var w = JSONWriter(reservingCapacity: 64)
                w.write(.object(c.kwargs))
                append(UInt32(w.bytes.count), to: &out)
                out += w.bytes
            }
            if let t = c.transcriptionModelId { append(t, to: &out) }
        }
        return out
    }

    /// The configurations of a record written by `record`.
    public static func configurations(of record: ArraySlice<UInt8>) throws(DecodeError) -> [ConfigItem] {
        try decoded(record, checkingOrder: false).withItems { Array($0) }
    }

    /// The configurations of a record, checked to be in the order `record` writes them (ids
    /// ascending, so none is there twice). What they add to the indexes is worked out by
    /// `PlatformState.apply(_:)` on the snapshot loader's other thread: this one, which also
    /// checks every record's checksum, had become the busier of the two.
    public static func decoded(_ record: ArraySlice<UInt8>) throws(DecodeError) -> Decoded {
        try decoded(record, checkingOrder: true)
    }

    private static func decoded(_ record: ArraySlice<UInt8>, checkingOrder: Bool) throws(DecodeError) -> Decoded {
        let out = try record.withUnsafeBufferPointer { (b) throws(DecodeError) in
            var r = Reader(bytes: b)
            return try r.configurations()
        }
        if checkingOrder {
            try out.withItems { (items) throws(DecodeError) in
                for position in items.indices.dropFirst() where !(items[position - 1].id < items[position].id) {
                    throw DecodeError("configuration record ids out of order")
                }
            }
        }
        return out
    }

    /// A decoded record's configurations, held until the state's table takes them.
    ///
    /// Copying a configuration retains its ten references and dropping the record's copy
    /// releases them again: an open did that for every configuration, on the thread that applies.
    /// This buffer is read in place and then moved from, each configuration exactly once.
    /// It is made on the decoding thread and handed to the applying one through the pipeline's
    /// queue (whose semaphores order the two); only one thread uses it at a time.
    public final class Decoded: @unchecked Sendable {
        private let base: UnsafeMutablePointer<ConfigItem>
        /// How many configurations it holds (initialized at `base`).
        public private(set) var count: Int
        /// Whether `takeAll` moved them out.
        private var taken = false

        /// Room for `capacity`, none held yet.
        fileprivate init(capacity: Int) {
            base = .allocate(capacity: max(capacity, 1))
            count = 0
        }

        fileprivate func append(_ c: consuming ConfigItem) {
            (base + count).initialize(to: c)
            count += 1
        }

        /// Reads the configurations in place (before `takeAll`).
        public func withItems<R, E: Error>(_ body: (UnsafeBufferPointer<ConfigItem>) throws(E) -> R) throws(E) -> R {
            precondition(!taken, "a decoded record's configurations were already taken")
            return try body(UnsafeBufferPointer(start: base, count: count))
        }

        /// Hands each configuration, in order, to `body`, which owns it from then on.
        func takeAll(_ body: (consuming ConfigItem) -> Void) {
            precondition(!taken, "a decoded record's configurations were already taken")
            taken = true
            for k in 0..<count { body((base + k).move()) }
        }

        deinit {
            if !taken { base.deinitialize(count: count) }
            base.deallocate()
        }
    }

    private static func append(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
    private static func append(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
    private static func append(_ s: String, to out: inout [UInt8]) {
        append(UInt32(s.utf8.count), to: &out)
        out.append(contentsOf: s.utf8)
    }

    /// Whether every byte is below 0x80, eight at a time (a byte-by-byte test was an eighth
    /// of what decoding a configuration cost).
    static func isASCII(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(f)
        let n = raw.count
        guard n >= 8 else {
            var high: UInt8 = 0
            for byte in raw { high |= byte }
            return high < 0x80
        }
        // The last word overlaps the ones before it when `n` is not a multiple of eight.
        var high = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        var i = 0
        while i + 8 <= n {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        var sharing: StringSharing
        static let kinds: [ConfigKind] = [.assistant, .app, .service]

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            sharing = StringSharing(forBytes: bytes.count)
        }

        mutating func configurations() throws(DecodeError) -> Decoded {
            guard bytes.count >= 6, bytes[0] == marker else { throw DecodeError("not a configuration record") }
            guard bytes[1] == version else { throw DecodeError("configuration record of version \(bytes[1])") }
            at = 2
            let n = Int(try u32())
            // Each configuration takes at least 46 bytes: a count beyond that is damage, not a reason to allocate.
            guard n <= (bytes.count - at) / 46 else { throw DecodeError("configuration record count \(n) too large") }
            // On a throw, whatever was decoded is released with `out`.
            let out = Decoded(capacity: n)
            for _ in 0..<n {
                try need(18)
                let k = Int(bytes[at])
                let flags = bytes[at + 1]
                at += 2
                guard k < Self.kinds.count, flags & ~3 == 0 else {
                    throw DecodeError("configuration kind or flags invalid")
                }
                let createdAt = Int64(bitPattern: try u64())
                let updatedAt = Int64(bitPattern: try u64())
                var c = ConfigItem(
                    kind: Self.kinds[k], id: try string(), tenantId: try string(), spaceId: try string(),
                    name: try string(), completionModelId: try string(), kwargs: JSONObject(), createdBy: try string(),
                    createdAt: createdAt)
                c.updatedAt = updatedAt
                c.kwargs = try kwargs()
                c.lifecyclePinned = flags & 1 != 0
                if flags & 2 != 0 { c.transcriptionModelId = try string() }
                out.append(c)
            }
            guard at == bytes.count else { throw DecodeError("configuration record has bytes after its last entry") }
            return out
        }

        private func need(_ n: Int) throws(DecodeError) {
            guard bytes.count - at >= n else { throw DecodeError("configuration record cut short") }
        }

        private mutating func u32() throws(DecodeError) -> UInt32 {
            try need(4)
            defer { at += 4 }
            return UInt32(
                littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: at, as: UInt32.self))
        }

        private mutating func u64() throws(DecodeError) -> UInt64 {
            try need(8)
            defer { at += 8 }
            return UInt64(
                littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: at, as: UInt64.self))
        }

        private mutating func field() throws(DecodeError) -> UnsafeBufferPointer<UInt8> {
            let n = Int(try u32())
            try need(n)
            defer { at += n }
            return UnsafeBufferPointer(rebasing: bytes[at..<(at + n)])
        }

        mutating func string() throws(DecodeError) -> String {
            let f = try field()
            // One seen before in this record was checked then.
            guard f.count > StringSharing.inlineBytes else { return try Self.checkedString(f) }
            return try sharing.string(f) { (bytes) throws(DecodeError) in try Self.checkedString(bytes) }
        }

        static func checkedString(_ f: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> String {
            if ConfigBatch.isASCII(f) { return String(decoding: f, as: UTF8.self) }
            guard let s = String(validating: f, as: UTF8.self) else {
                throw DecodeError("configuration string not UTF-8")
            }
            return s
        }

        mutating func kwargs() throws(DecodeError) -> JSONObject {
            let f = try field()
            if f.count == 2 && f[0] == UInt8(ascii: "{") && f[1] == UInt8(ascii: "}") { return JSONObject() }
            let options = JSONParser.Options(maxDepth: Transaction.readableDepth, rejectDuplicateKeys: false)
            guard let o = (try? JSONParser.parse(f, options: options))?.objectValue else {
                throw DecodeError("configuration kwargs not a JSON object")
            }
            return o
        }
    }
}
