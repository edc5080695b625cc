/// The on-disk record: `magic u32 | length u32 | crc32 u32 | payload`, little-endian.
///
/// The CRC (IEEE 802.3) covers the length and the payload, so a torn or flipped header is caught.
public enum Record {
    /// The marker every record starts with.
    public static let magic: UInt32 = 0x4D4C_4A31  // "MLJ1"
    /// Bytes before the payload: marker, length, checksum.
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

    /// Reads the record starting at `offset` of `bytes[..<end]` (all of `bytes` by default).
    public static func decode(_ bytes: [UInt8], at offset: Int, end: Int? = nil) -> Decoded {
        let end = min(end ?? bytes.count, bytes.count)
        guard end - offset >= headerSize else { return .incomplete }
        let m = read32(bytes, offset)
        let length = Int(read32(bytes, offset + 4))
        let stored = read32(bytes, offset + 8)
        guard m == magic else { return .damaged("bad record marker") }
        guard end - offset - headerSize >= length else { return .incomplete }
        let payload = bytes[(offset + headerSize)..<(offset + headerSize + length)]
        var crc = CRC32()
        crc.update(UInt32(length))
        crc.update(payload)
        guard crc.value == stored else { return .damaged("checksum mismatch") }
        return .record(payload: payload, next: offset + headerSize + length)
    }

    static func append(_ v: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(v >> UInt32(shift) & 0xFF)) }
    }

    static func read32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), slicing-by-8.
public struct CRC32 {
    private static let tables: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][n] = c
        }
        for n in 0..<256 {
            for k in 1..<8 { t[k][n] = (t[k - 1][n] >> 8) ^ t[0][Int(t[k - 1][n] & 0xFF)] }
        }
        return t
    }()
    private static let flat: [UInt32] = tables.flatMap { $0 }
    private var crc: UInt32 = 0xFFFF_FFFF
    /// A checksum of nothing yet.
    public init() {}

    /// Adds `bytes` to the checksum.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) != nil { return }
        Array(bytes).withUnsafeBytes { update($0) }
    }

    /// Adds the bytes of `buf` to the checksum, eight at a time.
    public mutating func update(_ buf: UnsafeRawBufferPointer) {
        var c = crc
        var i = 0
        let n = buf.count
        Self.flat.withUnsafeBufferPointer { t in
            while i + 8 <= n {
                let lo = buf.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian ^ c
                let hi = buf.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
                c =
                    t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                c = t[Int((c ^ UInt32(buf[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        crc = c
    }

    mutating func update(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { update($0) }
    }
    /// The checksum of everything added so far.
    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
