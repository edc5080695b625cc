/// What the configurations on one model add up to, per kind: how many there are, in which spaces,
/// how many assistants carry kwargs, and an order-independent digest of them.
///
/// `PlatformState.apply` keeps one per model in step with every change of a configuration, so a
/// migration plan costs in proportion to the spaces involved, not to the configurations moving
/// (planning a move of 50,000 assistants reads a few numbers instead of 50,000 entities).
public struct ConfigUsage: Sendable, Equatable {
    /// Configurations per kind, indexed by `ConfigUsage.slot(of:)` (assistant, app, service).
    public private(set) var counts = [0, 0, 0]
    /// Per kind: space id → how many configurations of that kind live there (no zero entries).
    public private(set) var spaces: [[String: Int]] = [[:], [:], [:]]
    /// Assistants whose kwargs are not empty (a migration resets them).
    public private(set) var assistantsWithKwargs = 0
    /// Per kind: the wrapping sums of each configuration's two 64-bit digest lanes.
    private var digestA: [UInt64] = [0, 0, 0]
    private var digestB: [UInt64] = [0, 0, 0]

    /// No configurations.
    public init() {}

    /// 0, 1 and 2 for assistants, apps and services.
    @inline(__always) public static func slot(of kind: ConfigKind) -> Int {
        switch kind {
        case .assistant: 0
        case .app: 1
        case .service: 2
        }
    }

    /// The combined digest of the configurations of the given kind slots.
    public func digest(of slots: [Int]) -> (UInt64, UInt64) {
        slots.reduce((UInt64(0), UInt64(0))) { ($0.0 &+ digestA[$1], $0.1 &+ digestB[$1]) }
    }

    mutating func add(_ c: ConfigItem) {
        add(slot: Self.slot(of: c.kind), spaceId: c.spaceId, hasKwargs: !c.kwargs.isEmpty, digest: Self.digest(c))
    }

    /// Adds the configurations at `positions` of `items` (a snapshot record's on one model),
    /// reading their fields in place (`add(items[k])` copies each configuration whole) and
    /// counting spaces per group of the same space string (see `StringBits`).
    mutating func add(_ positions: [Int], of items: UnsafeBufferPointer<ConfigItem>) {
        let spaceField = MemoryLayout<ConfigItem>.offset(of: \ConfigItem.spaceId)!
        let raw = UnsafeRawPointer(items.baseAddress!)
        var perSpace: [StringBits: (first: Int, counts: [Int])] = [:]
        for k in positions {
            let slot = Self.slot(of: items[k].kind)
            let hasKwargs = !items[k].kwargs.isEmpty
            counts[slot] += 1
            if slot == 0 && hasKwargs { assistantsWithKwargs += 1 }
            let d = Self.digest(
                id: items[k].id, spaceId: items[k].spaceId, updatedAt: items[k].updatedAt, hasKwargs: hasKwargs)
            digestA[slot] &+= d.0
            digestB[slot] &+= d.1
            let bits = StringBits(raw + k * MemoryLayout<ConfigItem>.stride + spaceField)
            perSpace[bits, default: (k, [0, 0, 0])].counts[slot] += 1
        }
        for (_, group) in perSpace {
            let spaceId = items[group.first].spaceId
            for slot in 0..<3 where group.counts[slot] > 0 { spaces[slot][spaceId, default: 0] += group.counts[slot] }
        }
    }

    private mutating func add(slot k: Int, spaceId: String, hasKwargs: Bool, digest d: (UInt64, UInt64)) {
        counts[k] += 1
        spaces[k][spaceId, default: 0] += 1
        if k == 0 && hasKwargs { assistantsWithKwargs += 1 }
        digestA[k] &+= d.0
        digestB[k] &+= d.1
    }

    mutating func remove(_ c: ConfigItem) {
        let k = Self.slot(of: c.kind)
        counts[k] -= 1
        if let n = spaces[k][c.spaceId] { spaces[k][c.spaceId] = n > 1 ? n - 1 : nil }
        if k == 0 && !c.kwargs.isEmpty { assistantsWithKwargs -= 1 }
        let d = Self.digest(c)
        digestA[k] &-= d.0
        digestB[k] &-= d.1
    }

    /// Every configuration of kind `slot` moved from `source` to `target` (a migration), where
    /// `movedDigest` is the sum of their digests as they are now. Moved assistants have no kwargs.
    static func transfer(
        slot k: Int, from source: inout ConfigUsage, to target: inout ConfigUsage, movedDigest: (UInt64, UInt64)
    ) {
        target.counts[k] += source.counts[k]
        if target.spaces[k].isEmpty {
            target.spaces[k] = source.spaces[k]
        } else {
            target.spaces[k].merge(source.spaces[k], uniquingKeysWith: +)
        }
        target.digestA[k] &+= movedDigest.0
        target.digestB[k] &+= movedDigest.1
        source.counts[k] = 0
        source.spaces[k] = [:]
        source.digestA[k] = 0
        source.digestB[k] = 0
        if k == 0 { source.assistantsWithKwargs = 0 }
    }

    /// The usage recomputed from scratch (for `verify`).
    static func recount(_ configs: some Sequence<ConfigItem>) -> ConfigUsage {
        var u = ConfigUsage()
        for c in configs { u.add(c) }
        return u
    }

    /// What identifies one configuration's relevant state for the plan hash: its id, its space,
    /// its last change and whether it has kwargs. Process-independent. It runs for every
    /// configuration loaded, so it reads 8 bytes at a time.
    static func digest(_ c: ConfigItem) -> (UInt64, UInt64) {
        digest(id: c.id, spaceId: c.spaceId, updatedAt: c.updatedAt, hasKwargs: !c.kwargs.isEmpty)
    }

    static func digest(id: String, spaceId: String, updatedAt: Millis, hasKwargs: Bool) -> (UInt64, UInt64) {
        var h = WordHasher()
        h.string(id)
        h.string(spaceId)
        h.word(UInt64(bitPattern: updatedAt))
        h.word(hasKwargs ? 2 : 1)
        return (h.a, h.b)
    }
}

/// Two independent 64-bit multiply–xorshift lanes over 8-byte words: a fast, process-independent
/// 128-bit digest (not cryptographic; it only has to change when its input does).
struct WordHasher {
    var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    @inline(__always) mutating func word(_ w: UInt64) {
        a = (a ^ w) &* 0xFF51_AFD7_ED55_8CCD
        a ^= a >> 32
        b = (b &+ w) &* 0xC4CE_B9FE_1A85_EC53
        b ^= b >> 29
    }

    /// The UTF-8 bytes in little-endian words (the last one zero-padded), then the length.
    mutating func string(_ s: String) {
        // Read where the string keeps its bytes (a copy of it, as `withUTF8` needs, retains it).
        if s.utf8.withContiguousStorageIfAvailable({ words($0) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { words($0) }
        }
        word(UInt64(s.utf8.count))
    }

    private mutating func words(_ bytes: UnsafeBufferPointer<UInt8>) {
        var i = 0
        while i + 8 <= bytes.count {
            word(UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        word(tail)
    }
}
