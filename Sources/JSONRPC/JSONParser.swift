/// Why a text is not acceptable JSON, and where (byte offset into the input).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset into the input where the problem was found.
    public let offset: Int
    /// What is wrong, in words (`invalid literal`, `duplicate member name "x"`, …).
    public let reason: String
    /// Creates an error at `offset`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
    /// `REASON at byte OFFSET`, as `data.reason` of a parse error shows it.
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 parser working on UTF-8 bytes.
///
/// Rejects what lenient parsers accept: trailing commas, `NaN`/`Infinity`, leading zeros, comments,
/// control characters inside strings, invalid UTF-8, lone surrogate escapes, duplicate member names
/// (optional) and nesting deeper than `maxDepth`. A byte order mark before the value is skipped
/// (RFC 8259 §8.1 allows it). Numbers keep their exact text.
public struct JSONParser {
    /// Limits and policies of one parse.
    public struct Options: Sendable {
        /// Deepest nesting of arrays and objects accepted.
        public var maxDepth: Int
        /// Whether an object that names the same member twice is refused (a parse error).
        public var rejectDuplicateKeys: Bool
        /// Whether equal strings of one text share one storage (see `StringSharing`): for the
        /// store's records, where every configuration repeats its tenant's, space's and model's ids.
        public var shareStrings: Bool
        /// Options with the given nesting limit and duplicate-name policy.
        public init(maxDepth: Int = 128, rejectDuplicateKeys: Bool = true, shareStrings: Bool = false) {
            self.maxDepth = maxDepth
            self.rejectDuplicateKeys = rejectDuplicateKeys
            self.shareStrings = shareStrings
        }
        /// The wire's options: nesting up to 128 levels, duplicate member names refused.
        public static let `default` = Options()
        /// For a client reading answers: a result nests what requests stored a few levels deeper
        /// (a list item's kwargs), so a client must read more than a request may send.
        public static let answers = Options(maxDepth: 1024)
    }

    /// Parses one complete JSON text.
    public static func parse(_ bytes: [UInt8], options: Options = .default) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf, options)
            do throws(JSONParseError) { return .success(try p.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses one complete JSON text from a buffer the caller keeps alive for the call.
    public static func parse(
        _ buf: UnsafeBufferPointer<UInt8>, options: Options = .default
    ) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(buf, options)
        return try p.parseDocument()
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String, options: Options = .default) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }

    private let b: UnsafeBufferPointer<UInt8>
    private let options: Options
    private var i = 0
    private var depth = 0
    private var scratch: [UInt8] = []
    private var sharing: StringSharing?

    private init(_ b: UnsafeBufferPointer<UInt8>, _ options: Options) {
        self.b = b
        self.options = options
        if options.shareStrings { sharing = StringSharing(forBytes: b.count) }
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? i, reason: reason)
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        skipWhitespace()
        guard i < b.count else { throw fail("empty text: no JSON value") }
        let value = try parseValue()
        skipWhitespace()
        guard i == b.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    @inline(__always) private mutating func skipWhitespace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard i < b.count else { throw fail("unexpected end of text, expected a value") }
        switch b[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character, expected a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { throw fail("invalid literal") }
        let w = word.utf8Start
        for k in 0..<n where b[i + k] != w[k] { throw fail("invalid literal") }
        i += n
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > options.maxDepth { throw fail("nesting deeper than \(options.maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1
        var members: [JSONObject.Member] = []
        var seen: Set<String>? = nil
        skipWhitespace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
            let keyOffset = i
            let key = try parseString()
            if options.rejectDuplicateKeys {
                if members.count < 12 {
                    for m in members where m.key == key {
                        throw fail("duplicate member name \"\(key)\"", at: keyOffset)
                    }
                } else {
                    if seen == nil { seen = Set(members.map(\.key)) }
                    if !seen!.insert(key).inserted { throw fail("duplicate member name \"\(key)\"", at: keyOffset) }
                }
            }
            skipWhitespace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, value: value))
            if seen != nil { seen!.insert(key) }
            skipWhitespace()
            guard i < b.count else { throw fail("unexpected end of text inside an object") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "}") {
                i += 1
                break
            }
            throw fail("expected ',' or '}' in an object")
        }
        depth -= 1
        return .object(JSONObject(members: members))
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        i += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < b.count, b[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array([])
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard i < b.count else { throw fail("unexpected end of text inside an array") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "]") {
                i += 1
                break
            }
            throw fail("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, isDigit(b[i]) else { throw fail("invalid number") }
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < b.count, isDigit(b[i]) { throw fail("leading zeros are not allowed in numbers") }
        } else {
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < b.count, isDigit(b[i]) else { throw fail("expected digits after the decimal point") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, isDigit(b[i]) else { throw fail("expected digits in the exponent") }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        return JSONNumber(validatedText: text)
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Parses a string starting at the opening quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        i += 1
        let start = i
        var ascii = true
        // Fast path: no escapes.
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: b[start..<i])
                i += 1
                if ascii {
                    if sharing != nil, run.count > StringSharing.inlineBytes { return sharing!.string(run) }
                    return String(decoding: run, as: UTF8.self)
                }
                guard let s = String(validating: run, as: UTF8.self) else { throw invalidUTF8(in: start..<(i - 1)) }
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in a string must be escaped") }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        guard i < b.count else { throw fail("unterminated string", at: start - 1) }
        // Slow path: escapes present.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let s = String(validating: scratch, as: UTF8.self) else { throw invalidUTF8(in: start..<(i - 1)) }
                return s
            }
            if c < 0x20 { throw fail("control character in a string must be escaped") }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let escapeStart = i - 2
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw fail("lone high surrogate \\u escape", at: escapeStart)
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw fail("high surrogate not followed by a low surrogate", at: escapeStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw fail("lone low surrogate \\u escape", at: escapeStart)
                }
                appendUTF8(scalar)
            default:
                throw fail("invalid escape sequence", at: i - 2)
            }
        }
        throw fail("unterminated string", at: start - 1)
    }

    private func invalidUTF8(in range: Range<Int>) -> JSONParseError {
        // Find the first offending byte for a precise offset.
        var k = range.lowerBound
        while k < range.upperBound, b[k] < 0x80 { k += 1 }
        return JSONParseError(offset: k, reason: "invalid UTF-8 in a string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= b.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 0x41 + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case 0..<0x80: scratch.append(UInt8(s))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (s >> 6)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (s >> 12)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (s >> 18)))
            scratch.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        }
    }
}
