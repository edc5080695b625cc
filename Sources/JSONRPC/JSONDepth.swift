/// How deeply a JSON text nests arrays and objects, found by one pass over its bytes without
/// parsing it (brackets inside strings are skipped). Pure.
public enum JSONDepth {
    /// The deepest nesting in `bytes`: 0 for a scalar, 1 for `[]` or `{}`. Meaningful for valid
    /// JSON; for anything else it is only an estimate.
    public static func maximum(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { maximum(in: $0) }
    }

    /// The same over a buffer (not generic: this runs on every record the store writes).
    ///
    /// Eight bytes at a time, jumping straight to the first byte in the word that matters where
    /// the walk is (a quote or backslash inside a string, a quote or bracket outside one): a
    /// record of configurations has a quote every few bytes, and reading each word with one byte
    /// byte by byte had cost 12 instructions a byte.
    public static func maximum(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var depth = 0
        var deepest = 0
        var inString = false
        var k = 0
        while k < count {
            var at = count
            if k + 8 <= count {
                let w = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
                let matches = inString ? stringEnds(w) : structure(w)
                if matches == 0 {
                    k += 8
                    continue
                }
                at = k + matches.trailingZeroBitCount / 8
            } else {
                // The last few bytes, one by one.
                at = k
                while at < count && !(inString ? isStringEnd(base[at]) : isStructure(base[at])) { at += 1 }
                if at == count { break }
            }
            let b = base[at]
            k = at + 1
            if inString {
                if b == UInt8(ascii: "\\") {
                    k += 1  // the escaped byte, whatever it is
                } else {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest { deepest = depth }
            default: depth -= 1  // `]` or `}`
            }
        }
        return deepest
    }

    @inline(__always) static func isStringEnd(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    @inline(__always) static func isStructure(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b | 0x20 == UInt8(ascii: "{") || b | 0x20 == UInt8(ascii: "}")
    }

    /// The high bit of each byte of `w` that is zero, and of no other (no carry crosses bytes).
    @inline(__always) static func zeroBytes(_ w: UInt64) -> UInt64 {
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((w & lows) &+ lows) | w | lows)
    }

    /// The high bit of each byte of `w` that is `"` or `\`.
    @inline(__always) static func stringEnds(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        return zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(w ^ (ones &* 0x5C))
    }

    /// The high bit of each byte of `w` that is `"`, `[`, `]`, `{` or `}` (setting bit 5 folds
    /// `[` onto `{` and `]` onto `}`, and no other byte onto either).
    @inline(__always) static func structure(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let f = w | (ones &* 0x20)
        return zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(f ^ (ones &* 0x7B)) | zeroBytes(f ^ (ones &* 0x7D))
    }
}
