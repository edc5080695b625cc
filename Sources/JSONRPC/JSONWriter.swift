/// Serializes JSON values to UTF-8 bytes.
///
/// Compact output is the wire form: no insignificant whitespace, members in their stored order,
/// non-ASCII characters written as UTF-8, and only `"`, `\` and control characters escaped.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8]
    private let indentUnit: Int
    private var level = 0

    /// A compact writer; `pretty` indents nested values by two spaces (for people, not the wire).
    public init(pretty: Bool = false, reservingCapacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(reservingCapacity)
        indentUnit = pretty ? 2 : 0
    }

    /// The compact serialization of a value.
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var w = JSONWriter()
        w.write(value)
        return w.bytes
    }

    /// The serialization of a value as a String (compact unless `pretty`).
    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        var w = JSONWriter(pretty: pretty)
        w.write(value)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Appends the serialization of `value` to `bytes`; a pre-serialized value is copied verbatim unless the writer
    /// is pretty.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendASCII("null")
        case .serialized(let s):
            if indentUnit > 0 { write(s.value) } else { bytes.append(contentsOf: s.bytes) }
        case .bool(let v): appendASCII(v ? "true" : "false")
        case .number(let n): appendASCII(n.text)
        case .string(let s): writeString(s)
        case .array(let a):
            if a.isEmpty {
                appendASCII("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            level += 1
            for (k, e) in a.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                write(e)
            }
            level -= 1
            newline()
            bytes.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty {
                appendASCII("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            level += 1
            var first = true
            for m in o.members {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                newline()
                writeString(m.key)
                bytes.append(UInt8(ascii: ":"))
                if indentUnit > 0 { bytes.append(UInt8(ascii: " ")) }
                write(m.value)
            }
            level -= 1
            newline()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always) private mutating func newline() {
        guard indentUnit > 0 else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * indentUnit))
    }

    /// Appends text that is known to need no escaping.
    public mutating func appendASCII(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends raw, already serialized JSON.
    public mutating func appendRaw(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Appends a literal piece of JSON (member names with their punctuation).
    public mutating func appendRaw(_ raw: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: raw.utf8Start, count: raw.utf8CodeUnitCount))
    }

    /// Writes a quoted, escaped string.
    public mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            // Nearly every string (ids, names) needs no escape: found eight bytes at a time, then
            // byte by byte, and appended whole.
            var k = 0
            if let base = u.baseAddress {
                while k + 8 <= u.count,
                    !Self.anyNeedsEscape(UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
                {
                    k += 8
                }
            }
            while k < u.count, !Self.needsEscape(u[k]) { k += 1 }
            if k == u.count {
                bytes.append(contentsOf: u)
                return
            }
            var runStart = 0
            while k < u.count {
                let c = u[k]
                k += 1
                guard Self.needsEscape(c) else { continue }
                let at = k - 1
                if runStart < at { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<at])) }
                runStart = k
                switch c {
                case 0x22:
                    bytes.append(0x5C)
                    bytes.append(0x22)
                case 0x5C:
                    bytes.append(0x5C)
                    bytes.append(0x5C)
                case 0x0A:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "n"))
                case 0x0D:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "r"))
                case 0x09:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "t"))
                case 0x08:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "b"))
                case 0x0C:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "f"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
                }
            }
            if runStart < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always) static func needsEscape(_ c: UInt8) -> Bool { c < 0x20 || c == 0x22 || c == 0x5C }

    /// Whether any of the eight bytes of `w` is a control character, `"` or `\\` (exact: a byte
    /// of 0x80 or more, UTF-8's multi-byte sequences, never counts, and no byte is missed).
    @inline(__always) static func anyNeedsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // The classic tests for a byte below n (n ≤ 128) and a zero byte, on all eight at once.
        let control = (w &- ones &* 0x20) & ~w & highs
        let q = w ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & highs
        let b = w ^ (ones &* 0x5C)
        let backslash = (b &- ones) & ~b & highs
        return (control | quote | backslash) != 0
    }
}
