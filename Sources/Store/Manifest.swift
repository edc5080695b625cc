/// The one authority for what is live: the `CURRENT` file names the generation, its snapshot
/// (size, record count and a digest of its records' checksums) and its journal. It is replaced
/// atomically (temporary file, fsync, rename, directory fsync), so it always names one whole
/// generation; every process reads it before each refresh and, under the write lock, before each
/// write, so no process keeps appending to a journal a compaction has replaced.
///
/// A small text file an operator can read:
///
///     model-lifecycle store 1
///     generation 7
///     snapshot snapshot-7 bytes 43210000 records 12345 digest 1a2b3c4d
///     journal journal-7
///     check 89abcdef
///
/// `snapshot none` for a generation without one (a new store); `check` is the CRC-32 of the lines
/// before it.
public struct Manifest: Sendable, Equatable {
    /// The manifest's file name in the store directory.
    public static let fileName = "CURRENT"
    static let header = "model-lifecycle store 1"

    /// The live generation N: `journal-N` and, when `snapshot` is set, `snapshot-N`.
    public let generation: Int
    /// The snapshot's shape, or nil when the generation has none.
    public let snapshot: SnapshotSummary?

    /// The generation's file names (kept, not derived: every request compares them).
    public let journalName: String
    /// `snapshot-N`.
    public let snapshotName: String

    /// A manifest naming generation `generation` and its snapshot (nil: the generation has none).
    public init(generation: Int, snapshot: SnapshotSummary?) {
        self.generation = generation
        self.snapshot = snapshot
        journalName = StoreLayout.journalName(generation)
        snapshotName = StoreLayout.snapshotName(generation)
    }

    /// The file's bytes, as `parse` reads them back.
    public var encoded: [UInt8] {
        var text = "\(Self.header)\ngeneration \(generation)\n"
        if let s = snapshot {
            text += "snapshot \(snapshotName) bytes \(s.bytes) records \(s.records) digest \(hex(s.digest))\n"
        } else {
            text += "snapshot none\n"
        }
        text += "journal \(journalName)\n"
        var crc = CRC32()
        crc.update(Array(text.utf8))
        text += "check \(hex(crc.value))\n"
        return Array(text.utf8)
    }

    /// Parses a `CURRENT` file; nil with the reason when it is not one this version wrote whole.
    public static func parse(_ bytes: [UInt8]) -> Result<Manifest, ManifestProblem> {
        guard !bytes.isEmpty else { return .failure(ManifestProblem("the file is empty")) }
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else {
            return .failure(ManifestProblem("the file is not a whole manifest"))
        }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 5, lines[0] == header else {
            return .failure(ManifestProblem("not a manifest of this version (\(lines.first ?? ""))"))
        }
        let body = lines[0..<4].map { $0 + "\n" }.joined()
        var crc = CRC32()
        crc.update(Array(body.utf8))
        guard lines[4] == "check \(hex(crc.value))" else { return .failure(ManifestProblem("checksum mismatch")) }
        let g = lines[1].split(separator: " ")
        guard g.count == 2, g[0] == "generation", let generation = Int(g[1]), generation >= 0 else {
            return .failure(ManifestProblem("bad generation line"))
        }
        var snapshot: SnapshotSummary?
        if lines[2] != "snapshot none" {
            let s = lines[2].split(separator: " ").map(String.init)
            guard s.count == 8, s[0] == "snapshot", s[1] == StoreLayout.snapshotName(generation), s[2] == "bytes",
                let bytes = Int(s[3]), bytes >= 0, s[4] == "records", let records = Int(s[5]), records >= 0,
                s[6] == "digest", let digest = UInt32(s[7], radix: 16)
            else { return .failure(ManifestProblem("bad snapshot line")) }
            snapshot = SnapshotSummary(bytes: bytes, records: records, digest: digest)
        }
        guard lines[3] == "journal \(StoreLayout.journalName(generation))" else {
            return .failure(ManifestProblem("bad journal line"))
        }
        return .success(Manifest(generation: generation, snapshot: snapshot))
    }
}

/// Why a `CURRENT` file cannot be used.
public struct ManifestProblem: Error, Sendable, Equatable {
    /// What is wrong with the file, for the damage message.
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// What a snapshot must be: its size, its record count, and the CRC-32 of its records' headers
/// (length and checksum of each, in order). Checking the three at open catches a truncated,
/// emptied, shortened or substituted snapshot without a second pass over its bytes.
public struct SnapshotSummary: Sendable, Equatable {
    /// The snapshot's size in bytes.
    public var bytes: Int
    /// How many records it holds.
    public var records: Int
    /// The CRC-32 of every record's length and checksum, in order.
    public var digest: UInt32

    /// Walks the record headers of a snapshot's bytes (no payload is read).
    public static func of(_ bytes: [UInt8]) -> SnapshotSummary? {
        var digest = DigestBuilder()
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= Record.headerSize, Record.read32(bytes, offset) == Record.magic else {
                return nil
            }
            let length = Int(Record.read32(bytes, offset + 4))
            guard bytes.count - offset - Record.headerSize >= length else { return nil }
            digest.add(length: UInt32(length), crc: Record.read32(bytes, offset + 8))
            offset += Record.headerSize + length
        }
        return digest.summary(bytes: bytes.count)
    }
}

/// Accumulates a `SnapshotSummary` while a snapshot is written.
struct DigestBuilder {
    private var crc = CRC32()
    private var records = 0

    mutating func add(length: UInt32, crc stored: UInt32) {
        crc.update(length)
        crc.update(stored)
        records += 1
    }

    func summary(bytes: Int) -> SnapshotSummary { SnapshotSummary(bytes: bytes, records: records, digest: crc.value) }
}

private func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}
