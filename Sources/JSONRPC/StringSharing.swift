#if canImport(Glibc)
import Glibc
#endif

/// A small cache that lets equal ASCII strings of one parse share one heap storage.
///
/// A Swift string longer than 15 UTF-8 bytes lives on the heap, one allocation per copy; a
/// record of 2,000 configurations names the same tenant, space and model ids 2,000 times each,
/// and every copy would stay alive in the state. Direct-mapped: a string is looked up in one slot
/// chosen from its length and first and last eight bytes, compared byte for byte, and replaces
/// the slot's string on a miss, so the cost is bounded and unique strings (entity ids) only evict.
public struct StringSharing {
    /// Strings up to this length are stored inline by Swift: nothing to share.
    public static let inlineBytes = 15
    private let slotBits: Int
    private var slots: [String?]

    /// An empty cache sized for a text of `bytes` bytes: 4,096 slots for a snapshot's record, a
    /// few dozen for a journal record (every one is parsed with a cache; zeroing 64 KiB for each
    /// would cost a replay more than the sharing saves).
    public init(forBytes bytes: Int) {
        var bits = 6
        while bits < 12 && (1 << bits) * 64 < bytes { bits += 1 }
        slotBits = bits
        slots = [String?](repeating: nil, count: 1 << bits)
    }

    /// The string of `bytes` (ASCII, more than `inlineBytes` long), shared with an equal one
    /// seen before when the cache still holds it.
    public mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        string(bytes) { String(decoding: $0, as: UTF8.self) }
    }

    /// The string of `bytes` (more than `inlineBytes` long): an equal one seen before when the
    /// cache still holds it, else what `make` makes of them (which may refuse them), kept.
    public mutating func string<E: Error>(
        _ bytes: UnsafeBufferPointer<UInt8>, making make: (UnsafeBufferPointer<UInt8>) throws(E) -> String
    ) throws(E) -> String {
        let raw = UnsafeRawBufferPointer(bytes)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self)
        // Both halves of a 128-bit product: ids that differ only in their last bytes (the high
        // bytes of `tail`) still land in different slots, which a 64-bit product did not do.
        let p = (head ^ 0xA076_1D64_78BD_642F).multipliedFullWidth(by: tail ^ 0xE703_7ED1_A0B4_28DB ^ UInt64(raw.count))
        let h = p.high ^ p.low
        let slot = Int(truncatingIfNeeded: h >> UInt64(64 - slotBits))
        if let cached = slots[slot],
            cached.utf8.withContiguousStorageIfAvailable({ c in
                c.count == bytes.count && memcmp(c.baseAddress!, bytes.baseAddress!, c.count) == 0
            }) == true
        {
            return cached
        }
        let fresh = try make(bytes)
        slots[slot] = fresh
        return fresh
    }
}
