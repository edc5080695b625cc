import XCTest
import Domain
import Foundation
@testable import Transport
import JSONRPC

/// The frame parser gives the same events however the input is split.
final class FrameParserTests: XCTestCase {
    /// Feeds `wire` in pieces of the given sizes (cycled) and collects every event, then `finish`.
    static func events(
        _ wire: [UInt8], pieces: [Int], limits: FrameParser.Limits = .init()
    ) -> ([FrameEvent], FramingError?) {
        var parser = FrameParser(limits: limits)
        var out: [FrameEvent] = []
        var offset = 0
        var k = 0
        outer: while offset < wire.count {
            let n = min(max(1, pieces[k % pieces.count]), wire.count - offset)
            parser.append(wire[offset..<(offset + n)])
            offset += n
            k += 1
            while let e = parser.next() {
                out.append(e)
                if case .fatal = e { break outer }
            }
        }
        return (
            out,
            out.last.map {
                if case .fatal = $0 { return true }
                return false
            } == true ? nil : parser.finish()
        )
    }

    /// Asserts whole, byte-by-byte and several random chunkings agree, and returns the events.
    @discardableResult
    static func verify(
        _ wire: [UInt8], limits: FrameParser.Limits = .init(), file: StaticString = #filePath,
        line: UInt = #line
    ) -> ([FrameEvent], FramingError?) {
        let whole = events(wire, pieces: [max(1, wire.count)], limits: limits)
        let drip = events(wire, pieces: [1], limits: limits)
        XCTAssertEqual(drip.0, whole.0, "byte-by-byte differs", file: file, line: line)
        XCTAssertEqual(drip.1, whole.1, file: file, line: line)
        // Chunkings fixed per input (a failure names the pieces), so every run checks the same ones.
        var rng = SplitMix64(seed: UInt64(wire.count) &+ 1)
        for _ in 0..<5 {
            let pieces = (0..<16).map { _ in Int.random(in: 1...64, using: &rng) }
            let r = events(wire, pieces: pieces, limits: limits)
            XCTAssertEqual(r.0, whole.0, "chunking \(pieces) differs", file: file, line: line)
        }
        return whole
    }

    private func frame(_ body: String) -> [UInt8] { Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8) }

    func testOneFrame() {
        let (events, end) = Self.verify(frame("{}"))
        XCTAssertEqual(events, [.message(Array("{}".utf8))])
        XCTAssertNil(end)
    }

    func testManyFramesInOneRead() {
        let wire = frame("[1]") + frame("[2]") + frame("\"héllo 🚀\"")
        let (events, _) = Self.verify(wire)
        XCTAssertEqual(
            events, [.message(Array("[1]".utf8)), .message(Array("[2]".utf8)), .message(Array("\"héllo 🚀\"".utf8))])
    }

    func testHeaderRules() {
        let accepted = [
            "content-length: 2\r\n\r\n{}", "CONTENT-LENGTH:2\r\n\r\n{}", "Content-Length: \t2 \r\n\r\n{}",
            "X-Other: 1\r\nContent-Length: 2\r\n\r\n{}", "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}",
            "Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=\"UTF8\"\r\n\r\n{}",
            "Content-Length: 2\r\nContent-Type: application/json\r\n\r\n{}",
        ]
        for wire in accepted {
            XCTAssertEqual(Self.verify(Array(wire.utf8)).0, [.message(Array("{}".utf8))], wire.debugDescription)
        }
    }

    func testFatalHeaders() {
        let fatal = [
            "X-Foo: 1\r\n\r\n{}", "Content-Length: abc\r\n\r\n{}", "Content-Length: 99999999999999999999\r\n\r\n{}",
            "Content-Length: -1\r\n\r\n{}", "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "hello\r\nContent-Length: 2\r\n\r\n{}", "Content-Length : 2\r\n\r\n{}",
        ]
        for wire in fatal {
            let (events, _) = Self.verify(Array(wire.utf8))
            guard case .fatal? = events.last else { return XCTFail("not fatal: \(wire.debugDescription) → \(events)") }
            XCTAssertEqual(events.count, 1)
        }
    }

    func testHeaderBlockCap() {
        let huge = Array(("X-Pad: " + String(repeating: "a", count: 9000) + "\r\n").utf8)
        let (events, _) = Self.verify(huge)
        guard case .fatal(let e)? = events.first else { return XCTFail("an endless header block must be fatal") }
        XCTAssertTrue(e.reason.contains("8192"))
        // Just under the cap is fine.
        let fits = "X-Pad: " + String(repeating: "a", count: 8000) + "\r\nContent-Length: 2\r\n\r\n{}"
        XCTAssertEqual(Self.verify(Array(fits.utf8)).0, [.message(Array("{}".utf8))])
    }

    func testOtherCharsetSkipsTheBodyAndStaysInSync() {
        let wire = Array("Content-Length: 3\r\nContent-Type: text/plain; charset=latin1\r\n\r\nabc".utf8) + frame("{}")
        XCTAssertEqual(Self.verify(wire).0, [.rejected(.unsupportedCharset("latin1")), .message(Array("{}".utf8))])
    }

    func testOversizedBodyIsSkippedWithoutStoringIt() {
        let limits = FrameParser.Limits(maxHeaderBytes: 8192, maxBodyBytes: 10)
        let wire = frame(String(repeating: "x", count: 50)) + frame("{}")
        XCTAssertEqual(
            Self.verify(wire, limits: limits).0,
            [.rejected(.tooLarge(length: 50, limit: 10)), .message(Array("{}".utf8))])
    }

    func testEndOfInputInsideAFrame() {
        XCTAssertNotNil(Self.verify(Array("Content-Length: 10\r\n\r\n{}".utf8)).1, "a truncated body")
        XCTAssertNotNil(Self.verify(Array("Content-Len".utf8)).1, "a truncated header")
        XCTAssertNil(Self.verify(frame("{}")).1, "a clean end")
    }

    func testZeroLengthBody() {
        XCTAssertEqual(
            Self.verify(Array("Content-Length: 0\r\n\r\n".utf8) + frame("{}")).0,
            [.message([]), .message(Array("{}".utf8))])
    }

    func testLargeBodyInSmallReads() {
        let body = String(repeating: "é", count: 300_000)
        let (events, _) = Self.events(frame(body), pieces: [4096])
        XCTAssertEqual(events, [.message(Array(body.utf8))])
    }

    /// Every framing vector of the shared conformance suite that expects replies parses to at
    /// least one event the same way in every chunking; the fatal ones are fatal in every chunking.
    func testSharedFramingVectorsInEveryChunking() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../shared/conformance/lsp-framing-cases.json")
        guard let data = try? Data(contentsOf: url) else {
            throw XCTSkip("../shared/conformance is absent; skipping the shared framing vectors")
        }
        // Our own parser: Foundation's JSONSerialization on Linux drops U+FEFF inside strings.
        let cases = try XCTUnwrap(try JSONParser.parse([UInt8](data)).arrayValue)
        XCTAssertGreaterThan(cases.count, 10)
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let wire: [UInt8]
            if let text = c["wire"]?.stringValue {
                wire = Array(text.utf8)
            } else {
                let hex = Array((c["wire_hex"]?.stringValue ?? "").utf8)
                wire = stride(from: 0, to: hex.count, by: 2).map {
                    UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)!
                }
            }
            let (events, _) = Self.verify(wire)
            let expect = c["expect"]
            if expect?["outcome"] == "fatal" {
                guard case .fatal? = events.last else { return XCTFail("\(name): expected fatal, got \(events)") }
            } else if let responses = expect?["responses"]?.arrayValue {
                XCTAssertEqual(events.count, responses.count, name)
            }
        }
    }
}
