/// A set of ids hashed as `IDKey`s: what the state keeps per model and per space (the
/// configurations that use it, the apps that transcribe with it). A snapshot's open inserts every
/// configuration's id into two of these, and SipHash over the ids had been most of that cost.
public struct IDSet: Sequence, Sendable, Equatable, ExpressibleByArrayLiteral {
    private var members: Set<IDKey>

    /// No ids.
    public init() { members = [] }
    public init(arrayLiteral ids: String...) { self.init(ids) }
    public init<S: Sequence<String>>(_ ids: S) {
        members = []
        formUnion(ids)
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public func contains(_ id: String) -> Bool { members.contains(IDKey(id)) }

    /// Adds `id`; whether it was not there.
    @discardableResult public mutating func insert(_ id: String) -> Bool { members.insert(IDKey(id)).inserted }

    /// Takes `id` out; whether it was there.
    @discardableResult public mutating func remove(_ id: String) -> Bool { members.remove(IDKey(id)) != nil }

    public mutating func formUnion<S: Sequence<String>>(_ ids: S) {
        for id in ids { members.insert(IDKey(id)) }
    }

    public mutating func formUnion(_ other: IDSet) { members.formUnion(other.members) }

    public mutating func subtract<S: Sequence<String>>(_ ids: S) {
        for id in ids { members.remove(IDKey(id)) }
    }

    /// Room for `n` ids in all without growing.
    public mutating func reserveCapacity(_ n: Int) { members.reserveCapacity(n) }

    public struct Iterator: IteratorProtocol {
        var base: Set<IDKey>.Iterator
        public mutating func next() -> String? { base.next()?.string }
    }

    /// The ids in no particular order.
    public func makeIterator() -> Iterator { Iterator(base: members.makeIterator()) }

    public var underestimatedCount: Int { members.count }
}
