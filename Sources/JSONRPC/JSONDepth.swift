/// How deeply a JSON text nests arrays and objects, found by one pass over its bytes without
/// parsing it (brackets inside strings are skipped). Pure.
public enum JSONDepth {
    /// The deepest nesting in `bytes`: 0 for a scalar, 1 for `[]` or `{}`. Meaningful for valid
    /// JSON; for anything else it is only an estimate.
    public static func maximum(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { maximum(in: $0) }
    }

    /// The same over a buffer (not generic: this runs on every record the store writes).
    public static func maximum(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest { deepest = depth }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
