import Foundation
import Store
import Transport

/// Wakes an idle process when another process commits to the PostgreSQL store: a connection of
/// its own LISTENs to the store's commit channel on a thread of its own. Only a wake: nothing is
/// read through it, and a process that never hears one still reads every commit (each request
/// catches up, and the worker's tick renews notices).
///
/// At most one wake a second (commits in between are one wake). A lost connection is made again
/// after a pause that grows to 30 seconds; meanwhile the tick keeps notices true.
enum PostgresCommitWatch {
    /// Starts watching on connections `connect` makes, ignoring notifications that carry
    /// `ownToken` (this process's own commits). The first connection is made before it returns
    /// (a commit after that wakes the process); if it cannot be, the thread keeps trying.
    static func start(
        connect: @escaping @Sendable () throws(PostgresConnection.Failure) -> PostgresConnection, ownToken: String,
        log: Logger, wake: @escaping @Sendable () -> Void
    ) {
        let first: UncheckedSendable<PostgresConnection>?
        do { first = UncheckedSendable(try connect()) } catch {
            log.debug("commit watch: \(error); listening again in 1 s")
            first = nil
        }
        let thread = Thread {
            var connection = first?.value
            var pause: UInt32 = 1
            while true {
                do {
                    let c = try connection ?? connect()
                    connection = nil
                    pause = 1
                    while true {
                        let payloads = try c.notifications(waitingMillis: 10_000)
                        if payloads.contains(where: { $0 != ownToken }) {
                            wake()
                            usleep(1_000_000)
                        }
                    }
                } catch {
                    connection = nil
                    log.debug("commit watch: \(error); listening again in \(pause) s")
                }
                sleep(pause)
                pause = min(30, pause * 2)
            }
        }
        thread.name = "model-lifecycle.commit-watch"
        thread.start()
    }
}

/// Hands a value that is not `Sendable` to a thread that becomes its only user.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
