import Foundation
import Domain
@testable import Store

/// A file system in memory that remembers, for every file and directory, what a crash would keep:
/// file contents become durable only by `sync` of the file, directory entries (creations, renames,
/// removals) only by `sync` of the directory. Before each operation it calls `hook`, which may
/// fail that one operation (an injected I/O error) or stop the "process" there (a crash: that
/// operation and every later one fail). `crashImage` then gives the file system a reboot would
/// find, from the most pessimistic to the most optimistic.
///
/// Threading: one thread at a time (the scheduler of `GenerationProtocolExplorationTests` hands
/// the file system from thread to thread, never to two at once).
final class MemoryFileSystem: StoreFileSystem, @unchecked Sendable {
    /// One operation, as the hook sees it.
    struct Operation: CustomStringConvertible {
        var kind: String
        var name: String
        var description: String { "\(kind) \(name)" }
    }

    final class Inode {
        var data: [UInt8] = []
        var durable: [UInt8] = []
        init(data: [UInt8] = [], durable: [UInt8] = []) {
            self.data = data
            self.durable = durable
        }
    }

    final class Node {
        var entries: [String: Inode] = [:]
        var durableEntries: [String: Inode] = [:]
        var lockHolder: ObjectIdentifier?
    }

    private(set) var directories: [String: Node] = [:]
    /// Called before every operation; throwing fails it.
    var hook: (Operation) throws(StoreError) -> Void = { _ in }
    /// How many operations were made (the index an injected fault refers to).
    private(set) var operationCount = 0
    /// Why writes are refused, as a read-only mount would.
    var readOnlyReason: String?
    /// How a caller waits for the lock another directory handle holds: nil answers "timed out"
    /// at once (one thread); a scheduler parks the caller until `condition` holds.
    var waitUntil: ((_ condition: @escaping () -> Bool) -> Void)?

    init() {}

    func perform(_ kind: String, _ name: String) throws(StoreError) {
        operationCount += 1
        try hook(Operation(kind: kind, name: name))
    }

    func kind(of path: String) -> FileKind { directories[path] == nil ? .missing : .directory }

    func makeDirectory(_ path: String) throws(StoreError) {
        try perform("mkdir", path)
        if directories[path] == nil { directories[path] = Node() }
    }

    func openDirectory(_ path: String, forWriting: Bool) throws(StoreError) -> any StoreDirectory {
        try perform("opendir", path)
        guard let node = directories[path] else { throw .cannotOpen(path: path, reason: "no such directory") }
        return MemoryDirectory(fs: self, node: node, path: path)
    }

    /// What a machine rebooted now would find. `entries`: directory entries as last synced, or as
    /// last changed. `contents`: file data as last synced, as last written, or (`torn`) each file
    /// that grew since its sync keeps a random part of what it gained.
    enum Contents { case durable, visible, torn }
    func crashImage(entriesDurable: Bool, contents: Contents, seed: UInt64 = 1) -> MemoryFileSystem {
        var rng = SplitMix64(seed: seed)
        let image = MemoryFileSystem()
        var copied: [ObjectIdentifier: Inode] = [:]
        for (path, node) in directories {
            let fresh = Node()
            let source = entriesDurable ? node.durableEntries : node.entries
            for (name, inode) in source {
                let copy =
                    copied[ObjectIdentifier(inode)]
                    ?? {
                        let data: [UInt8]
                        switch contents {
                        case .durable: data = inode.durable
                        case .visible: data = inode.data
                        case .torn:
                            if inode.data.count > inode.durable.count && inode.data.starts(with: inode.durable) {
                                data = Array(
                                    inode.data.prefix(
                                        inode.durable.count
                                            + Int.random(
                                                in: 0...(inode.data.count - inode.durable.count),
                                                using: &rng)))
                            } else {
                                data = Bool.random(using: &rng) ? inode.data : inode.durable
                            }
                        }
                        let c = Inode(data: data, durable: data)
                        copied[ObjectIdentifier(inode)] = c
                        return c
                    }()
                fresh.entries[name] = copy
                fresh.durableEntries[name] = copy
            }
            image.directories[path] = fresh
        }
        return image
    }

    /// The names in a directory now.
    func names(in path: String) -> [String] { directories[path].map { Array($0.entries.keys).sorted() } ?? [] }
}

/// A directory of the memory file system.
final class MemoryDirectory: StoreDirectory {
    let fs: MemoryFileSystem
    let node: MemoryFileSystem.Node
    let path: String

    init(fs: MemoryFileSystem, node: MemoryFileSystem.Node, path: String) {
        self.fs = fs
        self.node = node
        self.path = path
    }

    var readOnlyReason: String? { fs.readOnlyReason }

    func open(_ name: String, _ mode: OpenMode) throws(StoreError) -> any StoreFile {
        try fs.perform("open", name)
        switch mode {
        case .read, .readWrite:
            guard let inode = node.entries[name] else { throw .notFound(path: "\(path)/\(name)") }
            return MemoryFile(fs: fs, inode: inode, name: name)
        case .createNew:
            if node.entries[name] != nil { throw .io(path: "\(path)/\(name)", reason: "File exists") }
            let inode = MemoryFileSystem.Inode()
            node.entries[name] = inode
            return MemoryFile(fs: fs, inode: inode, name: name)
        }
    }

    func names() throws(StoreError) -> [String] {
        try fs.perform("list", path)
        return Array(node.entries.keys)
    }

    func rename(_ from: String, to: String) throws(StoreError) {
        try fs.perform("rename", "\(from) \(to)")
        guard let inode = node.entries[from] else { throw .notFound(path: "\(path)/\(from)") }
        node.entries[to] = inode
        node.entries[from] = nil
    }

    func remove(_ name: String) throws(StoreError) {
        try fs.perform("remove", name)
        node.entries[name] = nil
    }

    func sync() throws(StoreError) {
        try fs.perform("syncdir", path)
        node.durableEntries = node.entries
    }

    func identityProblem(forWriting: Bool) throws(StoreError) -> String? {
        try fs.perform("identity", path)
        return fs.directories[path] === node ? nil : "the store directory \(path) was moved or replaced"
    }

    func sizeIfCurrent(_ name: String, _ file: any StoreFile) throws(StoreError) -> Int? {
        try fs.perform("stat", name)
        guard let file = file as? MemoryFile, node.entries[name] === file.inode else { return nil }
        return file.inode.data.count
    }

    func lockExclusive(timeoutMillis: Int) throws(StoreError) -> Bool {
        try fs.perform("lock", path)
        let me = ObjectIdentifier(self)
        if let holder = node.lockHolder, holder != me {
            guard let wait = fs.waitUntil else { return false }
            wait { [node] in node.lockHolder == nil }
        }
        node.lockHolder = me
        return true
    }

    func unlock() {
        if node.lockHolder == ObjectIdentifier(self) { node.lockHolder = nil }
    }
}

/// A file of the memory file system.
final class MemoryFile: StoreFile {
    let fs: MemoryFileSystem
    let inode: MemoryFileSystem.Inode
    let name: String

    init(fs: MemoryFileSystem, inode: MemoryFileSystem.Inode, name: String) {
        self.fs = fs
        self.inode = inode
        self.name = name
    }

    func size() throws(StoreError) -> Int {
        try fs.perform("size", name)
        return inode.data.count
    }

    func read(from offset: Int, count: Int) throws(StoreError) -> [UInt8] {
        try fs.perform("read", name)
        guard offset < inode.data.count else { return [] }
        return Array(inode.data[offset..<min(inode.data.count, offset + count)])
    }

    func write(_ bytes: [UInt8], at offset: Int) throws(StoreError) {
        try fs.perform("write", name)
        if inode.data.count < offset + bytes.count {
            inode.data += [UInt8](repeating: 0, count: offset + bytes.count - inode.data.count)
        }
        inode.data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }

    func truncate(to size: Int) throws(StoreError) {
        try fs.perform("truncate", name)
        if size < inode.data.count {
            inode.data.removeLast(inode.data.count - size)
        } else {
            inode.data += [UInt8](repeating: 0, count: size - inode.data.count)
        }
    }

    func sync() throws(StoreError) {
        try fs.perform("sync", name)
        inode.durable = inode.data
    }

    func close() {}
}
