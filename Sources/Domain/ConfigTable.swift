/// The assistants, apps and services by id: the configurations in one dense array, and a map
/// from id to position.
///
/// A dictionary of the configurations themselves keeps a whole configuration in every bucket,
/// empty ones included (a dictionary is between 38% and 75% full): for a million configurations,
/// 2 million buckets of 160 bytes. Here the buckets hold a 4-byte position and the array holds
/// each configuration once. Removing one moves the last into its place, so positions are only
/// valid until the next removal. A value: copies share storage until one of them changes.
struct ConfigTable: Sendable {
    private var positions: [IDKey: Int32] = [:]
    /// Every configuration, in no particular order.
    private(set) var values: ContiguousArray<ConfigItem> = []

    var count: Int { values.count }

    /// Room for `n` configurations in all without growing.
    mutating func reserveCapacity(_ n: Int) {
        positions.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// The position of the configuration `id`, valid until the next removal.
    func index(forKey id: String) -> Int? { positions[IDKey(id)].map(Int.init) }

    /// The configuration at a position from `index(forKey:)`, changed in place (its id must not change).
    subscript(position k: Int) -> ConfigItem {
        _read { yield values[k] }
        _modify { yield &values[k] }
    }

    subscript(id: String) -> ConfigItem? {
        get { positions[IDKey(id)].map { values[Int($0)] } }
        set {
            if let newValue {
                precondition(newValue.id == id, "a configuration is stored under its own id")
                insert(newValue)
            } else {
                removeValue(forKey: id)
            }
        }
    }

    /// Stores `c` under its id, taking it (no copy); returns the one it replaced.
    @discardableResult
    mutating func insert(_ c: consuming ConfigItem) -> ConfigItem? {
        let key = IDKey(c.id)
        // One lookup for a new id (an open stores 100k of them): claim the next position, and
        // put the old one back when the id was there.
        if let k = positions.updateValue(Int32(values.count), forKey: key) {
            positions[key] = k
            var previous = c
            swap(&values[Int(k)], &previous)
            return previous
        }
        values.append(c)
        return nil
    }

    /// Removes the configuration `id`; returns it.
    @discardableResult
    mutating func removeValue(forKey id: String) -> ConfigItem? {
        guard let k = positions.removeValue(forKey: IDKey(id)).map(Int.init) else { return nil }
        let last = values.count - 1
        if k != last {
            values.swapAt(k, last)
            positions[IDKey(values[k].id)] = Int32(k)
        }
        return values.removeLast()
    }
}
