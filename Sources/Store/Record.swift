/// The on-disk record: `magic u32 | length u32 | crc32 u32 | payload`, little-endian.
///
/// The CRC (IEEE 802.3) covers the length and the payload, so a torn or flipped header is caught.
public enum Record {
    public static let magic: UInt32 = 0x4D4C_4A31  // "MLJ1"
    public static let headerSize = 12

    /// Encodes one record.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + payload.count)
        append(magic, to: &out)
        append(UInt32(payload.count), to: &out)
        var crc = CRC32()
        crc.update(UInt32(payload.count))
        crc.update(payload)
        append(crc.value, to: &out)
        out.append(contentsOf: payload)
        return out
    }

    /// The result of reading one record at an offset.
    public enum Decoded: Equatable {
        /// A whole, valid record; `next` is the offset after it.
        case record(payload: ArraySlice<UInt8>, next: Int)
        /// The bytes end before the record does (a torn tail, or a write in progress).
        case incomplete
        /// The bytes are there but wrong (bad magic or checksum).
        case damaged(String)
    }

    /// Reads the record starting at `offset` of `bytes`.
    public static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded {
        guard bytes.count - offset >= headerSize else { return .incomplete }
        let m = read32(bytes, offset), length = Int(read32(bytes, offset + 4)), stored = read32(bytes, offset + 8)
        guard m == magic else { return .damaged("bad record marker") }
        guard bytes.count - offset - headerSize >= length else { return .incomplete }
        let payload = bytes[(offset + headerSize)..<(offset + headerSize + length)]
        var crc = CRC32()
        crc.update(UInt32(length))
        crc.update(payload)
        guard crc.value == stored else { return .damaged("checksum mismatch") }
        return .record(payload: payload, next: offset + headerSize + length)
    }

    static func append(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8 & 0xFF)); out.append(UInt8(v >> 16 & 0xFF)); out.append(UInt8(v >> 24))
    }

    static func read32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
public struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    private var crc: UInt32 = 0xFFFF_FFFF
    public init() {}
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let t = Self.table
        var c = crc
        for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        crc = c
    }
    mutating func update(_ v: UInt32) {
        update([UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)])
    }
    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
