#if canImport(Glibc)
import Glibc
#endif

/// Reads a snapshot in segments, so loading holds a few megabytes of it at a time instead of the
/// whole file (a big store's snapshot is hundreds of megabytes, and every process that opens the
/// store would hold it until the state is built).
///
/// Each segment's whole records go through `RecordPipeline` (decoded on the second thread, applied
/// on this one); a record cut by the segment's end is carried into the next read, which is made
/// large enough to hold it. The summary `CURRENT` names (size, record count, digest of the record
/// headers) is computed on the way and compared at the end: the caller installs the state it built
/// only when this returns, so a snapshot that does not match is refused as before, having cost one
/// read instead of two.
enum SnapshotReader {
    /// Bytes read at a time (a record longer than this is read whole).
    static let segmentBytes = 16 << 20

    /// Applies every record of `file` (`size` bytes, as `CURRENT` says) in order; throws
    /// `damaged` at the first record that cannot be read, or when the records do not match
    /// `expected`.
    static func forEach<Decoded: Sendable>(
        recordsOf file: any StoreFile, size: Int, expected: SnapshotSummary, path: String,
        segmentBytes: Int = segmentBytes,
        decode: @escaping @Sendable (ArraySlice<UInt8>) throws(StoreError) -> Decoded,
        apply: (Decoded) throws(StoreError) -> Void
    ) throws(StoreError) {
        var digest = DigestBuilder()
        // One buffer for every read: `buffer[..<filled]` are the unconsumed bytes, starting at file
        // offset `base`. (A fresh array per read, and another to join a cut record to the next
        // read, had the kernel find a new page every 4 KiB: a fifth of an open's time.) It grows
        // only for a record longer than what it can hold after the bytes carried over.
        var buffer: [UInt8] = []
        var filled = 0
        var base = 0
        var need = segmentBytes  // how many bytes the next read asks for
        while base + filled < size {
            let at = base + filled
            // Into the room the buffer has when the record it stopped at fits there (reads after
            // the first fill the same pages again); a new buffer only for a longer record.
            let room = buffer.count - filled
            let want = min(room >= need ? room : max(need, segmentBytes), size - at)
            if buffer.count < filled + want {
                let carried = filled
                buffer = [UInt8](unsafeUninitializedCapacity: filled + want) { fresh, initialized in
                    // Only `filled` bytes are written here and the read's below; none past what was
                    // read is ever looked at (`filled` says how far the bytes are real).
                    buffer.withUnsafeBufferPointer { old in
                        _ = fresh.initialize(from: old.prefix(carried))
                    }
                    initialized = fresh.count
                }
            }
            var got = 0
            var failure: StoreError?
            buffer.withUnsafeMutableBytes { b in
                do throws(StoreError) {
                    got = try file.read(
                        from: at, into: UnsafeMutableRawBufferPointer(rebasing: b[filled..<(filled + want)]))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            guard got > 0 else {
                throw .damaged(
                    file: path, offset: at, reason: "the snapshot has \(at) bytes, CURRENT says \(size)")
            }
            filled += got
            let atEnd = base + filled >= size
            // The whole records at the front; `stop` is where the walk ended.
            var stop = 0
            var damaged = false
            need = segmentBytes
            while filled - stop >= Record.headerSize {
                guard Record.read32(buffer, stop) == Record.magic else {
                    damaged = true
                    break
                }
                let length = Int(Record.read32(buffer, stop + 4))
                // A length the file cannot hold is damage: reported now, not read to the end first.
                guard base + stop + Record.headerSize + length <= size else {
                    damaged = true
                    break
                }
                guard filled - stop - Record.headerSize >= length else {
                    need = Record.headerSize + length - (filled - stop)
                    break
                }
                digest.add(length: UInt32(length), crc: Record.read32(buffer, stop + 8))
                stop += Record.headerSize + length
            }
            // A header cut by the read's end: the next read needs only its rest to go on.
            if !damaged && need == segmentBytes && filled - stop < Record.headerSize {
                need = Record.headerSize - (filled - stop)
            }
            // At damage or at the file's end every byte goes to the pipeline, which reports what is
            // wrong at its offset after applying every record before it.
            let end = damaged || atEnd ? filled : stop
            try RecordPipeline.forEach(
                recordsOf: buffer, upTo: end, base: base, path: path, decode: decode, apply: apply)
            // The pipeline is done with the buffer: what is left moves to its front.
            if end < filled {
                buffer.withUnsafeMutableBytes { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + end, filled - end)
                }
            }
            base += end
            filled -= end
        }
        let actual = digest.summary(bytes: size)
        guard actual == expected else {
            throw .damaged(
                file: path, offset: 0,
                reason: "the snapshot's records do not match CURRENT "
                    + "(\(actual.records) records, \(expected.records) expected)")
        }
    }
}
