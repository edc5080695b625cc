import JSONRPC
import XCTest

@testable import Domain

/// A snapshot's binary configurations read back exactly as they were, and a damaged record is
/// refused with a reason, never read as something else.
final class ConfigBatchTests: XCTestCase {
    private func variety() -> [ConfigItem] {
        var out: [ConfigItem] = []
        for k in 0..<60 {
            let kind = ConfigKind.allCases[k % 3]
            var c = ConfigItem(
                kind: kind, id: "00000000-0000-4000-8000-\(String(format: "%012d", k))", tenantId: "t\(k % 2)",
                spaceId: "space-with-a-long-shared-id-\(k % 4)", name: k % 5 == 0 ? "" : "assistänt ✓ \(k)",
                completionModelId: "model-with-a-long-shared-id-\(k % 3)",
                kwargs: k % 2 == 0
                    ? [:] : ["temperature": 0.7, "nested": ["a": [1, 2, ["b": "é"]]], "k": .string("\(k)")],
                createdBy: k % 7 == 0 ? "a-user-id-longer-than-fifteen-bytes" : "u",
                createdAt: 1_700_000_000_000 + Int64(k))
            c.updatedAt = c.createdAt + Int64(k) * 1000
            c.lifecyclePinned = k % 4 == 1
            if kind == .app && k % 2 == 1 { c.transcriptionModelId = "whisper-\(k)" }
            out.append(c)
        }
        return out
    }

    func testConfigurationsReadBackAsTheyWere() throws {
        let items = variety()
        XCTAssertEqual(try ConfigBatch.configurations(of: ConfigBatch.record(items)[...]), items)
        XCTAssertEqual(try ConfigBatch.configurations(of: ConfigBatch.record([ConfigItem]())[...]), [])
    }

    func testAStateRebuiltFromItsSnapshotRecordsHasTheSameConfigurations() throws {
        var state = PlatformState()
        for c in variety() { state.apply(Transaction([.putConfig(c)])) }
        var rebuilt = PlatformState()
        for r in state.configurationRecords() {
            rebuilt.apply(try ConfigBatch.decoded(r[...]))
        }
        XCTAssertEqual(
            rebuilt.configurations(ofKind: .app, inTenant: "t1").sorted { $0.id < $1.id },
            state.configurations(ofKind: .app, inTenant: "t1").sorted { $0.id < $1.id })
        for c in variety() { XCTAssertEqual(rebuilt.configuration(c.id), c) }
        XCTAssertEqual(
            rebuilt.configurationIDs(using: "model-with-a-long-shared-id-1"),
            state.configurationIDs(using: "model-with-a-long-shared-id-1"))
    }

    func testTheDecodedSharesBuildTheIndexesPutsBuild() throws {
        var state = PlatformState()
        for c in variety() { state.apply(Transaction([.putConfig(c)])) }
        // Loaded from its records, and on top of a state that already holds some of them (with
        // other models and spaces): the tables and indexes are those of the puts.
        var stale = PlatformState()
        for var c in variety().prefix(25) {
            c.completionModelId = "an-older-model-id-of-some-length"
            c.spaceId = "an-older-space-id-of-some-length"
            c.transcriptionModelId = c.kind == .app ? "older-whisper" : nil
            stale.apply(Transaction([.putConfig(c)]))
        }
        for var rebuilt in [PlatformState(), stale] {
            for r in state.configurationRecords() { rebuilt.apply(try ConfigBatch.decoded(r[...])) }
            // The entities they name are not there (only configurations are): the same complaints, no others.
            XCTAssertEqual(rebuilt.invariantViolations().sorted(), state.invariantViolations().sorted())
            for c in variety() { XCTAssertEqual(rebuilt.configuration(c.id), c) }
            for m in 0..<3 {
                let model = "model-with-a-long-shared-id-\(m)"
                XCTAssertEqual(rebuilt.configurationIDs(using: model), state.configurationIDs(using: model))
                XCTAssertEqual(rebuilt.usageByModel[model], state.usageByModel[model])
            }
            for sp in 0..<4 {
                let space = "space-with-a-long-shared-id-\(sp)"
                XCTAssertEqual(rebuilt.configurationIDs(inSpace: space), state.configurationIDs(inSpace: space))
            }
            XCTAssertEqual(rebuilt.configurationIDs(using: "an-older-model-id-of-some-length"), [])
            XCTAssertEqual(rebuilt.configurationIDs(inSpace: "an-older-space-id-of-some-length"), [])
        }
    }

    /// Configurations already there with the same model and space (only their name changed):
    /// giving back what the old one added must not take the new one out of its sets.
    func testAConfigurationReplacedOnItsOwnModelAndSpaceKeepsItsMemberships() throws {
        var state = PlatformState()
        for c in variety() { state.apply(Transaction([.putConfig(c)])) }
        var stale = PlatformState()
        for var c in variety().prefix(30) {
            c.name = "an older name"
            c.updatedAt -= 1
            stale.apply(Transaction([.putConfig(c)]))
        }
        for r in state.configurationRecords() { stale.apply(try ConfigBatch.decoded(r[...])) }
        XCTAssertEqual(stale.invariantViolations().sorted(), state.invariantViolations().sorted())
        for c in variety() { XCTAssertEqual(stale.configuration(c.id), c) }
        for m in 0..<3 {
            let model = "model-with-a-long-shared-id-\(m)"
            XCTAssertEqual(stale.configurationIDs(using: model), state.configurationIDs(using: model))
            XCTAssertEqual(stale.transcribingAppIDs(using: model), state.transcribingAppIDs(using: model))
            XCTAssertEqual(stale.usageByModel[model], state.usageByModel[model])
        }
        for sp in 0..<4 {
            let space = "space-with-a-long-shared-id-\(sp)"
            XCTAssertEqual(stale.configurationIDs(inSpace: space), state.configurationIDs(inSpace: space))
        }
    }

    /// A record big enough that the reader's string cache drops shared ids (so one model's id
    /// comes back in several storages, and the applier groups it more than once) still builds the
    /// indexes and usage that putting each configuration builds.
    func testIdsReadBackInSeveralStoragesStillMakeOneIndexEach() throws {
        var rng = SplitMix64(seed: 2026)
        let models = (0..<150).map { "model-\(String(format: "%032d", $0))" }
        let spaces = (0..<250).map { "space-\(String(format: "%032d", $0))" }
        var state = PlatformState()
        for k in 0..<ConfigBatch.batch {
            var c = ConfigItem(
                kind: ConfigKind.allCases[Int(rng.next() % 3)],
                id: "00000000-0000-4000-8000-\(String(format: "%012d", k))",
                tenantId: "tenant-with-a-long-shared-id", spaceId: spaces[Int(rng.next() % 250)],
                name: "a configuration with a long name \(k)", completionModelId: models[Int(rng.next() % 150)],
                kwargs: k % 3 == 0 ? ["temperature": 0.5] : [:], createdBy: "u", createdAt: Int64(k))
            if c.kind == .app && k % 2 == 0 { c.transcriptionModelId = models[Int(rng.next() % 150)] }
            state.apply(Transaction([.putConfig(c)]))
        }
        let records = state.configurationRecords()
        XCTAssertEqual(records.count, 1)
        var rebuilt = PlatformState()
        rebuilt.apply(try ConfigBatch.decoded(records[0][...]))
        // The cache did drop some: a model id is held in more than one storage.
        var storages: [String: Set<UInt>] = [:]
        for k in 0..<ConfigBatch.batch {
            let m = try XCTUnwrap(rebuilt.configuration("00000000-0000-4000-8000-\(String(format: "%012d", k))"))
                .completionModelId
            let address = m.utf8.withContiguousStorageIfAvailable { UInt(bitPattern: $0.baseAddress!) } ?? 0
            storages[m, default: []].insert(address)
        }
        XCTAssertGreaterThan(storages.values.map(\.count).max() ?? 0, 1)
        XCTAssertEqual(rebuilt.invariantViolations().sorted(), state.invariantViolations().sorted())
        for m in models {
            XCTAssertEqual(rebuilt.configurationIDs(using: m), state.configurationIDs(using: m))
            XCTAssertEqual(rebuilt.transcribingAppIDs(using: m), state.transcribingAppIDs(using: m))
            XCTAssertEqual(rebuilt.usageByModel[m], state.usageByModel[m])
        }
        for sp in spaces { XCTAssertEqual(rebuilt.configurationIDs(inSpace: sp), state.configurationIDs(inSpace: sp)) }
    }

    func testARecordWhoseIdsDoNotAscendIsRefused() {
        let items = Array(variety().prefix(4))
        XCTAssertThrowsError(try ConfigBatch.decoded(ConfigBatch.record([items[0], items[2], items[1]])[...]))
        XCTAssertThrowsError(try ConfigBatch.decoded(ConfigBatch.record([items[0], items[0]])[...]))
        XCTAssertNoThrow(try ConfigBatch.decoded(ConfigBatch.record(items)[...]))
    }

    func testADamagedRecordIsRefusedWithItsReason() {
        let good = ConfigBatch.record(Array(variety().prefix(3)))
        func refusal(_ bytes: [UInt8]) -> String? {
            do {
                _ = try ConfigBatch.configurations(of: bytes[...])
                return nil
            } catch { return error.description }
        }
        XCTAssertEqual(refusal(Array(good.dropLast())), "configuration record cut short")
        XCTAssertEqual(refusal(good + [0]), "configuration record has bytes after its last entry")
        var kind = good
        kind[6] = 3
        XCTAssertEqual(refusal(kind), "configuration kind or flags invalid")
        var version = good
        version[1] = 2
        XCTAssertEqual(refusal(version), "configuration record of version 2")
        var count = good
        count[2] = 0xFF
        count[3] = 0xFF
        XCTAssertEqual(refusal(count), "configuration record count 65535 too large")
        // The name of the first configuration, made invalid UTF-8 in place.
        let item = variety()[1]
        var utf8 = ConfigBatch.record([item])
        let at = 2 + 4 + 18 + [item.id, item.tenantId, item.spaceId].reduce(0) { $0 + 4 + $1.utf8.count } + 4
        utf8[at] = 0xFF
        XCTAssertEqual(refusal(utf8), "configuration string not UTF-8")
        // A long (shared) string: the second configuration's space, equal to the first's until
        // damaged, so the reader has the first one cached when it meets it.
        let pair = [variety()[0], variety()[4]]
        XCTAssertEqual(pair[0].spaceId, pair[1].spaceId)
        var shared = ConfigBatch.record(pair)
        let second = ConfigBatch.record([pair[0]]).count
        let spaceAt = second + 18 + [pair[1].id, pair[1].tenantId].reduce(0) { $0 + 4 + $1.utf8.count } + 4
        XCTAssertEqual(shared[spaceAt], UInt8(ascii: "s"))
        shared[spaceAt] = 0xC3
        XCTAssertEqual(refusal(shared), "configuration string not UTF-8")
    }

    /// The word-at-a-time test agrees with a byte-by-byte one for every length up to 40 and a
    /// byte of 0x80 or more at every position.
    func testTheASCIITestSeesEveryByte() {
        for length in 0...40 {
            let clean = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            XCTAssertTrue(clean.withUnsafeBufferPointer { ConfigBatch.isASCII($0) }, "length \(length)")
            for position in 0..<length {
                for high: UInt8 in [0x80, 0xC3, 0xFF] {
                    var bytes = clean
                    bytes[position] = high
                    XCTAssertFalse(
                        bytes.withUnsafeBufferPointer { ConfigBatch.isASCII($0) }, "length \(length) at \(position)")
                }
            }
        }
    }
}
