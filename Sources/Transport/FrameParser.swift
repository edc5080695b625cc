/// Why the byte stream can no longer be followed. The server reports it on stderr and exits 2.
public struct FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the input stream where the bad frame began.
    public let streamOffset: Int
    /// What is wrong with the frame, in words.
    public let reason: String
    /// The diagnostic: `framing error at input byte N: reason`.
    public var description: String { "framing error at input byte \(streamOffset): \(reason)" }
}

/// A body the parser skipped while keeping the stream in sync; answered with an error, id null.
public enum RejectedBody: Sendable, Equatable {
    /// `Content-Type` named a charset other than UTF-8.
    case unsupportedCharset(String)
    /// `Content-Length` exceeded the body cap; the body was discarded without being stored.
    case tooLarge(length: Int, limit: Int)
}

/// One event of the incoming stream.
public enum FrameEvent: Sendable, Equatable {
    /// A complete message body.
    case message([UInt8])
    /// A body that was skipped; the stream is still in sync.
    case rejected(RejectedBody)
    /// The stream cannot be followed any more.
    case fatal(FramingError)
}

/// An incremental parser for LSP base-protocol frames (`Content-Length: N\r\n\r\n` + N bytes).
///
/// Pure: feed it bytes in any chunking with `append(_:)`, take events with `next()`, and call
/// `finish()` at end of input. The same input gives the same events however it is split.
/// Rules: header names are case-insensitive; optional whitespace around values; `Content-Length`
/// is required and must be decimal digits (equal duplicates accepted); `Content-Type` may carry
/// `charset=utf-8` or `utf8`, any other charset rejects that body; unknown headers are ignored;
/// the header block is capped at `maxHeaderBytes`; bodies above `maxBodyBytes` are skipped.
public struct FrameParser: Sendable {
    /// Limits of the parser.
    public struct Limits: Sendable {
        /// The largest header block accepted, in bytes (8 KiB by default); a larger one is fatal.
        public var maxHeaderBytes: Int
        /// The largest body accepted, in bytes (`--max-message-bytes`, 64 MiB by default); a larger one is skipped.
        public var maxBodyBytes: Int
        /// Limits with the protocol's defaults for those not given.
        public init(maxHeaderBytes: Int = 8 * 1024, maxBodyBytes: Int = 64 * 1024 * 1024) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
        }
    }

    private enum State: Sendable {
        case header
        case body(length: Int, charset: String?)
        case skipping(remaining: Int, reason: RejectedBody)
        case failed
    }

    /// The header and body caps this parser enforces.
    public let limits: Limits
    private var buffer: [UInt8] = []
    private var start = 0  // index of the first unconsumed byte in `buffer`
    private var consumed = 0  // stream offset of buffer[start]
    private var frameStart = 0  // stream offset where the current frame began
    private var state: State = .header

    /// A parser at the start of a stream.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// True when no partial frame is buffered (a clean place for the stream to end).
    public var isAtFrameBoundary: Bool {
        if case .header = state { return start == buffer.count }
        return false
    }

    /// Adds input bytes.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536, start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete event, or nil when more input is needed.
    public mutating func next() -> FrameEvent? {
        while true {
            switch state {
            case .failed:
                return nil
            case .header:
                // A stray CRLF between messages (some clients send one after a body) is skipped.
                while start + 1 < buffer.count, buffer[start] == 0x0D, buffer[start + 1] == 0x0A { advance(2) }
                guard start < buffer.count else { return nil }
                if buffer[start] == 0x0D && start + 1 == buffer.count { return nil }
                frameStart = consumed
                switch parseHeader() {
                case .needMore: return nil
                case .fatal(let reason):
                    state = .failed
                    return .fatal(FramingError(streamOffset: frameStart, reason: reason))
                case .parsed(let length, let charset, let headerLength):
                    advance(headerLength)
                    if let charset, !Self.isUTF8(charset) {
                        state = .skipping(remaining: length, reason: .unsupportedCharset(charset))
                    } else if length > limits.maxBodyBytes {
                        state = .skipping(
                            remaining: length, reason: .tooLarge(length: length, limit: limits.maxBodyBytes))
                    } else {
                        state = .body(length: length, charset: charset)
                        buffer.reserveCapacity(start + length)
                    }
                }
            case .body(let length, _):
                guard buffer.count - start >= length else { return nil }
                let body = Array(buffer[start..<(start + length)])
                advance(length)
                state = .header
                return .message(body)
            case .skipping(let remaining, let reason):
                let available = buffer.count - start
                let take = min(available, remaining)
                advance(take)
                if take < remaining {
                    state = .skipping(remaining: remaining - take, reason: reason)
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                    return nil
                }
                state = .header
                return .rejected(reason)
            }
        }
    }

    /// Called at end of input: a framing error when the input stopped inside a frame.
    public mutating func finish() -> FramingError? {
        switch state {
        case .failed: return nil
        case .header where start == buffer.count: return nil
        case .header: return FramingError(streamOffset: consumed, reason: "input ended inside a header block")
        case .body(let length, _):
            return FramingError(
                streamOffset: frameStart, reason: "input ended after \(buffer.count - start) of \(length) body bytes")
        case .skipping(let remaining, _):
            return FramingError(
                streamOffset: frameStart, reason: "input ended with \(remaining) bytes of a skipped body missing")
        }
    }

    private mutating func advance(_ n: Int) {
        start += n
        consumed += n
    }

    private enum HeaderOutcome {
        case needMore, fatal(String), parsed(length: Int, charset: String?, headerLength: Int)
    }

    private static let contentLengthName = Array("content-length".utf8)
    private static let contentTypeName = Array("content-type".utf8)

    /// ASCII case-insensitive equality of a header name with a lowercase name.
    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lower: [UInt8]) -> Bool {
        guard bytes.count == lower.count else { return false }
        var i = bytes.startIndex
        for b in lower {
            var c = bytes[i]
            if c >= 0x41 && c <= 0x5A { c += 0x20 }
            if c != b { return false }
            i += 1
        }
        return true
    }

    private func parseHeader() -> HeaderOutcome {
        // Input that is not framed at all (a JSON body on its own) fails at its first byte rather
        // than waiting for a header block that never comes.
        if !Self.isHeaderNameByte(buffer[start]) {
            return .fatal(
                "the input is not framed: each message must start with a header block "
                    + "(Content-Length: N\\r\\n\\r\\n, N the body's length in bytes), not with "
                    + Self.preview(buffer[start..<(start + 1)]))
        }
        // Find CRLFCRLF within the cap; a bare LF in the header block fails as soon as it is read.
        let limit = min(buffer.count, start + limits.maxHeaderBytes + 4)
        var lf = start
        while lf < limit {
            if buffer[lf] == 0x0A && (lf == start || buffer[lf - 1] != 0x0D) {
                return .fatal(
                    "a header line ends with a bare \\n: header lines end with \\r\\n and the block with "
                        + "\\r\\n\\r\\n (Content-Length: N\\r\\n\\r\\n, N the body's length in bytes)")
            }
            lf += 1
            if lf >= 4, buffer[lf - 1] == 0x0A, buffer[lf - 2] == 0x0D, buffer[lf - 3] == 0x0A,
                buffer[lf - 4] == 0x0D, lf - 4 >= start
            {
                break
            }
        }
        var end = -1
        var k = start
        while k + 3 < limit {
            if buffer[k + 3] != 0x0A {
                k += 1
                continue
            }
            if buffer[k] == 0x0D, buffer[k + 1] == 0x0A, buffer[k + 2] == 0x0D {
                end = k
                break
            }
            k += 1
        }
        if end < 0 {
            if buffer.count - start > limits.maxHeaderBytes + 3 {
                return .fatal("header block longer than \(limits.maxHeaderBytes) bytes without an empty line")
            }
            return .needMore
        }
        var contentLength: Int? = nil
        var charset: String? = nil
        var lineStart = start
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, !(buffer[lineEnd] == 0x0D && buffer[lineEnd + 1] == 0x0A) { lineEnd += 1 }
            let line = buffer[lineStart..<lineEnd]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .fatal("header line without ':' (\(Self.preview(line)))")
            }
            // Bytes, not Strings: this runs once per message.
            let nameBytes = buffer[lineStart..<colon]
            let value = Self.trimmed(buffer[(colon + 1)..<lineEnd])
            if nameBytes.isEmpty || nameBytes.contains(where: { $0 == 0x20 || $0 == 0x09 }) {
                return .fatal("malformed header name (\(Self.preview(line)))")
            }
            let name =
                Self.equalsIgnoringCase(nameBytes, Self.contentLengthName)
                ? "content-length"
                : Self.equalsIgnoringCase(nameBytes, Self.contentTypeName) ? "content-type" : ""
            switch name {
            case "content-length":
                guard let n = Self.decimal(value) else {
                    return .fatal("Content-Length is not a decimal byte count (\(Self.preview(value)))")
                }
                if let previous = contentLength, previous != n {
                    return .fatal("conflicting Content-Length headers (\(previous) and \(n))")
                }
                contentLength = n
            case "content-type":
                charset = Self.charset(in: String(decoding: value, as: UTF8.self))
            default:
                break
            }
            lineStart = lineEnd + 2
        }
        guard let contentLength else { return .fatal("header block without Content-Length") }
        return .parsed(length: contentLength, charset: charset, headerLength: end + 4 - start)
    }

    /// Whether `b` may start a header name (an RFC 7230 token character).
    private static func isHeaderNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi, s[lo] == 0x20 || s[lo] == 0x09 { lo += 1 }
        while hi > lo, s[hi - 1] == 0x20 || s[hi - 1] == 0x09 { hi -= 1 }
        return s[lo..<hi]
    }

    /// A non-negative decimal that fits comfortably in an Int (at most 18 digits), else nil.
    private static func decimal(_ s: ArraySlice<UInt8>) -> Int? {
        guard !s.isEmpty, s.count <= 18 else { return nil }
        var n = 0
        for c in s {
            guard c >= 0x30, c <= 0x39 else { return nil }
            n = n * 10 + Int(c - 0x30)
        }
        return n
    }

    /// The `charset` parameter of a media type, lowercased and unquoted; nil when there is none.
    static func charset(in contentType: String) -> String? {
        for part in contentType.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces.lowercased() == "charset" else { continue }
            var v = kv[1].trimmingSpaces
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v.lowercased()
        }
        return nil
    }

    static func isUTF8(_ charset: String) -> Bool { charset == "utf-8" || charset == "utf8" }

    private static func preview(_ s: ArraySlice<UInt8>) -> String {
        let text = String(decoding: s.prefix(40), as: UTF8.self)
        return s.count > 40 ? "\"\(text)…\"" : "\"\(text)\""
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Encodes frames for the wire.
public enum FrameEncoder {
    /// Appends `Content-Length: N\r\n\r\n` and the body to `out`.
    public static func append(body: [UInt8], to out: inout [UInt8]) {
        // Bytes only (no String building): this runs once per message.
        out.append(contentsOf: prefix)
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8,
                UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = body.count
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            out.append(contentsOf: d[(20 - count)...])
        }
        out.append(contentsOf: suffix)
        out.append(contentsOf: body)
    }

    private static let prefix = Array("Content-Length: ".utf8)
    private static let suffix = Array("\r\n\r\n".utf8)

    /// One frame as bytes.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 32)
        append(body: body, to: &out)
        return out
    }
}
