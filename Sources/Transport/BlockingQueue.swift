import Foundation

/// A FIFO shared between threads: producers `push`, one consumer blocks in `takeAll`.
///
/// Threading: every member is guarded by `condition`; safe from any thread.
public final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []

    /// An empty queue.
    public init() {}

    /// Appends one element and wakes the consumer.
    public func push(_ element: Element) {
        condition.lock()
        items.append(element)
        condition.signal()
        condition.unlock()
    }

    /// Appends several elements under one lock acquisition.
    public func push(contentsOf elements: [Element]) {
        guard !elements.isEmpty else { return }
        condition.lock()
        items.append(contentsOf: elements)
        condition.signal()
        condition.unlock()
    }

    /// Waits until at least one element is queued, then removes and returns all of them.
    public func takeAll() -> [Element] {
        condition.lock()
        while items.isEmpty { condition.wait() }
        let taken = items
        items.removeAll(keepingCapacity: true)
        condition.unlock()
        return taken
    }

    /// True when nothing is queued right now.
    public var isEmpty: Bool {
        condition.lock()
        defer { condition.unlock() }
        return items.isEmpty
    }
}
