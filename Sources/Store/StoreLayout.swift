/// The names of a store's files and which of them may exist beside a given manifest. Pure.
///
/// Beside `CURRENT` naming generation N, a directory holds:
/// - `journal-N`, and `snapshot-N` exactly when the manifest names a snapshot;
/// - at most the leftovers of one compaction: generation N−1's files (a compaction that committed
///   and stopped before removing them; generation 0 never has a snapshot) or generation N+1's
///   snapshot, its temporary file and an *empty* journal (a compaction that stopped before
///   committing), and `CURRENT.tmp`;
/// - `lock`, and names that are not the store's (ignored).
/// Anything else of the store's — a missing file, a stray generation, a non-empty journal that no
/// manifest names — refuses to open: serving it could hide or lose data.
public enum StoreLayout {
    /// The file writers `flock`.
    public static let lockName = "lock"
    /// Where the next `CURRENT` is written before it is renamed into place.
    public static let manifestTemporaryName = "CURRENT.tmp"

    /// `journal-N`.
    public static func journalName(_ generation: Int) -> String { "journal-\(generation)" }
    /// `snapshot-N`.
    public static func snapshotName(_ generation: Int) -> String { "snapshot-\(generation)" }
    /// Where `snapshot-N` is written before it is renamed into place.
    public static func snapshotTemporaryName(_ generation: Int) -> String { "snapshot-\(generation).tmp" }

    /// What a directory entry is to the store.
    public enum Entry: Equatable, Sendable {
        case manifest, manifestTemporary, lock
        case journal(Int), snapshot(Int), snapshotTemporary(Int)
        /// Not a name the store uses.
        case foreign
    }

    /// What `name` is to the store.
    public static func entry(_ name: String) -> Entry {
        switch name {
        case Manifest.fileName: return .manifest
        case manifestTemporaryName: return .manifestTemporary
        case lockName: return .lock
        default: break
        }
        if name.hasPrefix("journal-"), let g = generation(name.dropFirst(8)) { return .journal(g) }
        if name.hasPrefix("snapshot-") {
            let rest = name.dropFirst(9)
            if rest.hasSuffix(".tmp"), let g = generation(rest.dropLast(4)) { return .snapshotTemporary(g) }
            if let g = generation(rest) { return .snapshot(g) }
        }
        return .foreign
    }

    /// A generation number written as this version writes it (no sign, no leading zeros).
    private static func generation(_ text: Substring) -> Int? {
        guard let g = Int(text), g >= 0, String(g) == text else { return nil }
        return g
    }

    /// Whether the directory holds anything of a store (a new store starts in a directory without).
    /// `CURRENT.tmp` does not count: it was never renamed, so it never said anything.
    public static func holdsStoreFiles(_ names: [String]) -> Bool {
        names.contains { ![.foreign, .lock, .manifestTemporary].contains(entry($0)) }
    }

    /// A file that should not be there, or is missing.
    public struct Problem: Error, Equatable, Sendable {
        /// The file, by name in the store directory.
        public var file: String
        /// Why it refuses the store.
        public var reason: String
    }

    /// Checks `names` against `manifest`; returns the leftovers a compaction may remove.
    /// `size(name)` gives a file's size (nil if it vanished meanwhile).
    public static func check(
        names: [String], manifest m: Manifest,
        size: (String) -> Int?
    ) -> Result<[String], Problem> {
        let n = m.generation
        var leftovers: [String] = []
        if !names.contains(m.journalName) {
            return .failure(Problem(file: m.journalName, reason: "the journal that CURRENT names is missing"))
        }
        if m.snapshot != nil && !names.contains(m.snapshotName) {
            return .failure(Problem(file: m.snapshotName, reason: "the snapshot that CURRENT names is missing"))
        }
        for name in names.sorted() {
            switch entry(name) {
            case .manifest, .lock, .foreign: continue
            case .manifestTemporary: leftovers.append(name)
            case .journal(let g) where g == n: continue
            case .snapshot(let g) where g == n:
                if m.snapshot == nil {
                    return .failure(Problem(file: name, reason: "CURRENT names no snapshot for generation \(n)"))
                }
            case .journal(let g) where g == n - 1, .snapshot(let g) where g == n - 1 && g > 0:
                leftovers.append(name)  // superseded by generation n, whose snapshot holds them
            case .snapshot(let g) where g == n + 1, .snapshotTemporary(let g) where g == n + 1:
                leftovers.append(name)  // a compaction that never committed
            case .journal(let g) where g == n + 1:
                guard let bytes = size(name) else { continue }
                guard bytes == 0 else {
                    let reason = "a journal of \(bytes) bytes that CURRENT does not name"
                    return .failure(Problem(file: name, reason: reason))
                }
                leftovers.append(name)
            case .journal(let g), .snapshot(let g), .snapshotTemporary(let g):
                let reason = "generation \(g) does not belong beside CURRENT's generation \(n)"
                return .failure(Problem(file: name, reason: reason))
            }
        }
        return .success(leftovers)
    }

    /// The generation of a store written before `CURRENT` existed: its highest journal, which
    /// must have its snapshot unless it is generation 0. Beside it may stand what that version's
    /// interrupted compactions left (the generation before, the next snapshot or its temporary
    /// file), under the same rule as `check`; anything else is refused. (A new store that stopped
    /// between creating `journal-0` and its first `CURRENT` looks the same.)
    public static func legacyGeneration(_ names: [String], size: (String) -> Int?) -> Result<Int, Problem> {
        let ours = names.filter { ![.foreign, .lock, .manifestTemporary].contains(entry($0)) }.sorted()
        let journals = ours.compactMap { name -> Int? in
            if case .journal(let g) = entry(name) { return g }
            return nil
        }
        guard let g = journals.max() else {
            let reason = "CURRENT is missing and the directory holds no journal (\(ours.joined(separator: ", ")))"
            return .failure(Problem(file: Manifest.fileName, reason: reason))
        }
        let assumed = Manifest(generation: g, snapshot: g == 0 ? nil : SnapshotSummary(bytes: 0, records: 0, digest: 0))
        switch check(names: names, manifest: assumed, size: size) {
        case .success: return .success(g)
        case .failure(let p):
            let reason =
                "CURRENT is missing, and as a store of an earlier version at generation \(g): \(p.file): \(p.reason)"
            return .failure(Problem(file: Manifest.fileName, reason: reason))
        }
    }
}
