#if canImport(Glibc)
import Glibc
#endif

/// An id as a dictionary key that hashes in a few dozen instructions instead of a few hundred.
///
/// A `String` key is hashed with SipHash over its bytes; the tables an open fills (a position
/// per configuration, the ids per model and space) hash a 36-byte id five times per
/// configuration, and that was a third of what applying a snapshot cost. This key hashes the
/// UTF-8 bytes 16 at a time with 64×64→128-bit multiplications, keyed by the seed each
/// dictionary and set passes (random per process), so ids chosen by a caller cannot be made to
/// collide without knowing it. It keeps no hash of its own: at ten times the benchmark store
/// the eight bytes one took, in a million positions and two million set members, were more
/// memory than the target leaves (625 MB against 600).
///
/// Equal means the same UTF-8 bytes (not `String`'s canonical equivalence): ids are lowercase
/// UUIDs, checked on every way in, so the two agree on every id the platform keeps.
public struct IDKey: Hashable, Sendable {
    public let string: String

    @inline(__always) public init(_ string: String) { self.string = string }

    public static func == (a: IDKey, b: IDKey) -> Bool {
        // The same two words are the same string (shared storage, or equal small strings): the
        // usual case, as the snapshot reader shares the ids it reads.
        if unsafeBitCast(a.string, to: (UInt64, UInt64).self) == unsafeBitCast(b.string, to: (UInt64, UInt64).self) {
            return true
        }
        let x = a.string.utf8
        let y = b.string.utf8
        guard x.count == y.count else { return false }
        if let equal = x.withContiguousStorageIfAvailable({ p in
            y.withContiguousStorageIfAvailable { q in
                p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0
            }
        }), let equal {
            return equal
        }
        return x.elementsEqual(y)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(Self.hash(string, seed: 0)) }

    /// What a dictionary or set of these calls instead of `hash(into:)`.
    public func _rawHashValue(seed: Int) -> Int {
        Int(truncatingIfNeeded: Self.hash(string, seed: UInt64(truncatingIfNeeded: seed)))
    }

    static func hash(_ s: String, seed: UInt64) -> UInt64 {
        if let h = s.utf8.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0), seed: seed) }) {
            return h
        }
        return Array(s.utf8).withUnsafeBytes { hash($0, seed: seed) }
    }

    private static let k0: UInt64 = 0xA076_1D64_78BD_642F
    private static let k1: UInt64 = 0xE703_7ED1_A0B4_28DB
    private static let k2: UInt64 = 0x8EBC_6AF0_9C88_C6E3

    /// The high and low halves of `a × b` folded together.
    @inline(__always) static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return p.high ^ p.low
    }

    /// Both factors of every fold depend on the seed, so no chosen word can zero one of them.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let n = bytes.count
        var h = fold(seed ^ k0, UInt64(n) ^ k1)
        var i = 0
        while n - i > 16 {
            let a = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            h = fold(a ^ h ^ k1, b ^ seed ^ k2)
            i += 16
        }
        var a: UInt64 = 0
        var b: UInt64 = 0
        if n >= 16 {
            // The last 16 bytes, overlapping the words before them when `n` is not a multiple of 16.
            a = bytes.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            b = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n >= 8 {
            a = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            b = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            for k in 0..<n { a |= UInt64(bytes[k]) << UInt64(8 * k) }
        }
        h = fold(a ^ h ^ k2, b ^ seed ^ k0)
        return fold(h ^ k1, seed ^ k2)
    }
}

/// The two words of a `String` value, read from memory without retaining it: equal bits are the
/// same string (the same storage, or the same small string), so they can group equal ids that
/// share storage at the cost of 16 bytes hashed. Unequal bits may still be equal strings.
struct StringBits: Hashable {
    let a: UInt64
    let b: UInt64

    /// The string stored at `field`.
    init(_ field: UnsafeRawPointer) {
        a = field.loadUnaligned(as: UInt64.self)
        b = field.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    }

    func _rawHashValue(seed: Int) -> Int {
        Int(truncatingIfNeeded: IDKey.fold(a ^ UInt64(truncatingIfNeeded: seed), b ^ 0x8EBC_6AF0_9C88_C6E3))
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(a)
        hasher.combine(b)
    }
}
