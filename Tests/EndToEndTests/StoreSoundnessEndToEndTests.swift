import Foundation
import XCTest
import JSONRPC

/// The store keeps every acknowledged write: one test per class of loss an outside test found,
/// each through the real binary (they fail on the version before `CURRENT`).
final class StoreSoundnessEndToEndTests: XCTestCase {
    override func setUpWithError() throws {
        try skipOnDatabase(
            "these are the file store's own soundness rules (PostgresStoreEndToEndTests has the database's)")
    }

    private let sysadmin = Actors.sysadmin

    // MARK: 1. a process that missed generations

    func testAProcessIdleAcrossCompactionsWritesIntoTheLiveStore() throws {
        let store = ServerProcess.temporaryStore()
        let idle = try sysadminServer(store)
        XCTAssertNotNil(idle.call("tenants/create", ["name": "before"])["id"])
        for _ in 0..<3 { XCTAssertEqual(try runToEnd(["compact", "--store", store]).status, 0) }
        XCTAssertNotNil(idle.call("tenants/create", ["name": "after-three-compactions"])["id"])
        let other = try sysadminServer(store)
        XCTAssertEqual(
            other.tenantNames, ["before", "after-three-compactions"], "a fresh process sees the idle one's write")
        XCTAssertEqual(
            idle.call("tenants/create", ["name": "before"]).errorCode, "conflict",
            "the idle process knows every name another generation holds")
        XCTAssertNotNil(other.call("tenants/create", ["name": "from-the-other"])["id"])
        XCTAssertEqual(try runToEnd(["compact", "--store", store]).status, 0)
        XCTAssertEqual(
            idle.tenantNames, ["before", "after-three-compactions", "from-the-other"],
            "and reads what others wrote since")
        idle.stop()
        other.stop()
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, v.out)
        XCTAssertTrue(v.out.contains("\"tenants\": 3"), v.out)
    }

    // MARK: 2. what the store acknowledged, it reads back

    /// `{"k": {"k": … {}}}`, `levels` objects deep.
    private func nested(_ levels: Int) -> JSONValue {
        var v: JSONValue = [:]
        for _ in 1..<levels { v = ["k": v] }
        return v
    }

    func testTheDeepestAcceptedKwargsNeverBrickTheStore() throws {
        let store = ServerProcess.temporaryStore()
        let root = try sysadminServer(store)
        let tenant = root.call("tenants/create", ["name": "Deep"]).id
        let admin = try ServerProcess([], store: store)
        admin.initialize(actor: Actors.admin(tenant))
        let provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        func model(_ name: String) -> String {
            admin.call("models/create", ["kind": "completion", "name": .string(name), "providerId": .string(provider)])
                .id
        }
        let old = model("gpt-old")
        let new = model("gpt-new")
        let space = admin.call("spaces/create", ["name": "S"]).id
        for m in [old, new] {
            XCTAssertNil(admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])["error"])
        }
        let member = try ServerProcess([], store: store)
        member.initialize(actor: Actors.member(tenant))
        // The request is 2 levels (request, params) around kwargs: 126 is the deepest a request may nest.
        let deepest = 126
        var accepted = 0
        for (k, group) in ["assistants", "apps", "services"].enumerated() {
            for levels in (deepest - 4)...deepest {
                let r = member.call(
                    "\(group)/create",
                    [
                        "spaceId": .string(space), "name": .string("\(group)-\(levels)"),
                        "completionModelId": .string(old), "kwargs": nested(levels),
                    ])
                XCTAssertNotNil(r["id"], "\(group) with kwargs \(levels) deep: \(r)")
                accepted += 1
                if k == 0 {
                    XCTAssertNotNil(
                        member.call("\(group)/update", ["id": r["id"] ?? .null, "kwargs": nested(levels)])["id"])
                }
            }
        }
        member.request(
            9_999, "assistants/create",
            [
                "spaceId": .string(space), "name": "too-deep", "completionModelId": .string(old),
                "kwargs": nested(deepest + 1),
            ])
        XCTAssertTrue(
            member.waitFor { $0["error"]?["code"] == -32700 }, "one level deeper is the request's own refusal")
        let template = admin.call(
            "templates/create",
            [
                "kind": "assistant", "name": "T", "completionModelId": .string(old),
                "kwargs": nested(deepest),
            ])
        XCTAssertNotNil(template["id"], "\(template)")
        let reader = try sysadminServer(store)
        XCTAssertEqual(
            reader.call("assistants/list", ["tenantId": .string(tenant), "limit": 100])["items"]?.arrayValue?.count,
            accepted / 3, "another process reads every accepted request back")
        XCTAssertEqual(
            admin.call(
                "migration/execute",
                [
                    "fromModelId": .string(old), "toModelId": .string(new),
                    "confirm": true,
                ])["status"], "completed")
        XCTAssertEqual(
            try runToEnd(["compact", "--store", store]).status, 0, "the snapshot after a migration is readable")
        let fresh = try sysadminServer(store)
        XCTAssertEqual(
            fresh.call("assistants/list", ["tenantId": .string(tenant), "limit": 100])["items"]?.arrayValue?.count,
            accepted / 3)
        for s in [root, admin, member, reader, fresh] { s.stop() }
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, v.out + v.err)
    }

    /// A snapshot keeps configurations in binary records: every field a client can see comes back
    /// from it as it was acknowledged (kinds, non-ASCII names, deep kwargs, pinning, an app's
    /// transcription model, times after an update and a migration, the history with old kwargs).
    func testEveryFieldOfEveryConfigurationIsReadBackFromASnapshot() throws {
        let store = ServerProcess.temporaryStore()
        let root = try sysadminServer(store)
        let tenant = root.call("tenants/create", ["name": "Fields"]).id
        let admin = try ServerProcess([], store: store)
        admin.initialize(actor: Actors.admin(tenant))
        let provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        func model(_ name: String, _ kind: String) -> String {
            admin.call(
                "models/create", ["kind": .string(kind), "name": .string(name), "providerId": .string(provider)]
            ).id
        }
        let old = model("gpt-old", "completion")
        let new = model("gpt-new", "completion")
        let whisper = model("whisper-1", "transcription")
        let space = admin.call("spaces/create", ["name": "S"]).id
        for m in [old, new, whisper] {
            XCTAssertNil(admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])["error"])
        }
        var made: [(group: String, id: String)] = []
        for k in 0..<12 {
            let group = ["assistants", "apps", "services"][k % 3]
            var params: JSONObject = [
                "spaceId": .string(space), "name": .string("Ω 名前 🧪 \(k)"), "completionModelId": .string(old),
                "kwargs": k % 2 == 0 ? [:] : ["temperature": 0.5, "stop": ["a", "é"], "deep": nested(40)],
                "lifecyclePinned": .bool(k % 4 == 1),
            ]
            if group == "apps" && k % 2 == 1 { params["transcriptionModelId"] = .string(whisper) }
            let r = admin.call("\(group)/create", .object(params))
            XCTAssertNotNil(r["id"], "\(group) \(k): \(r)")
            made.append((group, r.id))
        }
        XCTAssertNotNil(admin.call("assistants/update", ["id": .string(made[0].id), "name": "renamed"])["id"])
        XCTAssertEqual(
            admin.call(
                "migration/execute",
                [
                    "fromModelId": .string(old), "toModelId": .string(new), "entityTypes": ["assistants"],
                    "confirm": true,
                ]
            )["status"], "completed")
        func views(_ s: ServerProcess) -> [JSONValue] {
            made.map { s.call("\($0.group)/get", ["tenantId": .string(tenant), "id": .string($0.id)]) }
                + [s.call("migration/history", ["tenantId": .string(tenant)])]
        }
        let before = views(root)
        XCTAssertEqual(try runToEnd(["compact", "--store", store]).status, 0)
        let fresh = try sysadminServer(store)
        let after = views(fresh)
        XCTAssertEqual(after.count, before.count)
        for (b, a) in zip(before, after) { XCTAssertEqual(a, b) }
        for view in before.dropLast() { XCTAssertNotNil(view["id"], "the views are entities, not errors: \(view)") }
        XCTAssertEqual(before.last?["items"]?.arrayValue?.count, 1, "one migration in the history: \(before.last!)")
        for s in [root, admin, fresh] { s.stop() }
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, v.out + v.err)
    }

    // MARK: 3. damaged or stray files refuse to open

    /// A store of two generations' history: tenants in the snapshot and in the journal.
    private func compactedStore() throws -> String {
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        for k in 0..<5 { s.call("tenants/create", ["name": .string("snap-\(k)")]) }
        s.stop()
        XCTAssertEqual(try runToEnd(["compact", "--store", store]).status, 0)
        let t = try sysadminServer(store)
        t.call("tenants/create", ["name": "journal-0"])
        t.stop()
        return store
    }

    private func assertRefused(_ store: String, naming file: String, _ why: String, line: UInt = #line) throws {
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 3, "verify refuses when \(why): \(v.out)", line: line)
        XCTAssertTrue(v.err.contains(file), "verify names \(file): \(v.err)", line: line)
        let s = try ServerProcess([], store: store)
        let exit = s.waitForExit(timeout: 30)
        XCTAssertEqual(exit?.status, 3, "serve refuses when \(why)", line: line)
        XCTAssertTrue(s.stderrText.contains(file), "serve names \(file): \(s.stderrText)", line: line)
        XCTAssertTrue(s.stderrText.contains("backup"), "and says what the operator can do: \(s.stderrText)", line: line)
    }

    private func truncate(_ path: String, to size: Int) { _ = Glibc.truncate(path, off_t(size)) }

    func testDamagedMissingOrStrayGenerationFilesRefuseToOpen() throws {
        let cases: [(String, String, (String) -> Void)] = [
            ("the snapshot is emptied", "snapshot-1", { self.truncate($0 + "/snapshot-1", to: 0) }),
            (
                "the snapshot is cut at a record boundary", "snapshot-1",
                { store in
                    let size =
                        (try? FileManager.default.attributesOfItem(atPath: store + "/snapshot-1")[.size] as? Int) ?? 0
                    self.truncate(store + "/snapshot-1", to: size - 1)
                }
            ),
            ("the snapshot is deleted", "snapshot-1", { unlink($0 + "/snapshot-1") }),
            ("the journal is deleted", "journal-1", { unlink($0 + "/journal-1") }),
            (
                "a stray empty journal of a far generation appears", "journal-9",
                { close(open($0 + "/journal-9", O_CREAT | O_RDWR, 0o600)) }
            ),
            (
                "a snapshot of generation 0, which never has one, appears", "snapshot-0",
                { store in
                    _ = try? FileManager.default.copyItem(atPath: store + "/snapshot-1", toPath: store + "/snapshot-0")
                }
            ),
            (
                "a non-empty journal of the next generation appears", "journal-2",
                { store in
                    _ = try? FileManager.default.copyItem(atPath: store + "/journal-1", toPath: store + "/journal-2")
                }
            ),
            ("CURRENT is emptied", "CURRENT", { self.truncate($0 + "/CURRENT", to: 0) }),
            ("CURRENT is torn", "CURRENT", { self.truncate($0 + "/CURRENT", to: 40) }),
        ]
        for (why, file, damage) in cases {
            let store = try compactedStore()
            damage(store)
            try assertRefused(store, naming: file, why)
        }
    }

    func testLeftoversOfAnInterruptedCompactionAreNotDamage() throws {
        let store = try compactedStore()
        // As a compaction to generation 2 leaves them when it stops before switching CURRENT.
        try FileManager.default.copyItem(atPath: store + "/snapshot-1", toPath: store + "/snapshot-2")
        close(open(store + "/journal-2", O_CREAT | O_RDWR, 0o600))
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, v.out + v.err)
        XCTAssertTrue(v.out.contains("journal-2") && v.out.contains("\"generation\": 1"), v.out)
        let s = try sysadminServer(store)
        XCTAssertEqual(s.tenantNames.count, 6)
        s.stop()
        XCTAssertEqual(try runToEnd(["compact", "--store", store]).status, 0)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: store))
        XCTAssertEqual(
            names, ["CURRENT", "lock", "snapshot-2", "journal-2"], "the next compaction removed the leftovers")
    }

    func testAStoreOfTheEarlierLayoutIsOpenedAndGivenACurrentFile() throws {
        let store = try compactedStore()
        unlink(store + "/CURRENT")
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, v.out + v.err)
        XCTAssertTrue(v.out.contains("earlier"), v.out)
        let s = try sysadminServer(store)
        XCTAssertEqual(s.tenantNames.count, 6, "nothing of the earlier store is lost")
        s.stop()
        XCTAssertTrue(FileManager.default.fileExists(atPath: store + "/CURRENT"))
    }

    func testVerifyOfAMissingOrEmptyDirectorySaysThereIsNoStore() throws {
        let missing = ServerProcess.temporaryStore()
        let a = try runToEnd(["verify", "--store", missing])
        XCTAssertEqual(a.status, 3)
        XCTAssertTrue(a.out.contains("noStore") && a.err.contains("does not exist"), a.out + a.err)
        try FileManager.default.createDirectory(atPath: missing, withIntermediateDirectories: true)
        let b = try runToEnd(["verify", "--store", missing])
        XCTAssertEqual(b.status, 3)
        XCTAssertTrue(b.out.contains("noStore") && b.err.contains("no store files"), b.out + b.err)
        XCTAssertFalse(b.out.contains("damage"), "an empty folder is not damage")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: missing), [], "verify wrote nothing, not even a lock")
        for command in ["compact", "cleanup"] {
            let c = try runToEnd([command, "--store", missing + "-typo"])
            XCTAssertEqual(c.status, 3, "\(command) of a mistyped path: \(c.err)")
            XCTAssertTrue(c.err.contains("no store"), c.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: missing + "-typo"), "and makes no new store there")
        }
    }

    // MARK: 4. a removed or replaced directory

    func testWritesIntoARemovedOrReplacedDirectoryAreNeverAcknowledged() throws {
        for replace in [false, true] {
            let store = ServerProcess.temporaryStore()
            let s = try sysadminServer(store)
            XCTAssertNotNil(s.call("tenants/create", ["name": "kept"])["id"])
            try FileManager.default.moveItem(atPath: store, toPath: store + ".moved")
            TemporaryStores.shared.register(store + ".moved")
            if replace { try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: false) }
            let w = s.call("tenants/create", ["name": "lost?"])
            XCTAssertEqual(w.errorCode, "store_unavailable", "replace \(replace): \(w)")
            XCTAssertTrue("\(w)".contains("removed, moved or replaced"), "\(w)")
            XCTAssertEqual(s.call("tenants/list").errorCode, "store_unavailable", "nor are reads served from it")
            s.stop()
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: store + "/CURRENT"), "nothing was written at the path either")
            let back = try sysadminServer(store + ".moved")
            XCTAssertEqual(back.tenantNames, ["kept"])
            back.stop()
        }
    }

    // MARK: readers and the lock

    func testANewSessionReadsWhileAnotherProcessHoldsTheWriteLock() throws {
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        s.call("tenants/create", ["name": "readable"])
        s.stop()
        let fd = open(store + "/lock", O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        defer { close(fd) }
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_LOCK_TIMEOUT_MS"] = "200"
        env["MODEL_LIFECYCLE_CLEANUP_SCHEDULE"] = nil
        let reader = try ServerProcess(["--cleanup-schedule", "off"], store: store, environment: env)
        reader.initialize(actor: sysadmin)
        XCTAssertEqual(reader.tenantNames, ["readable"], "open and reads take no lock")
        XCTAssertEqual(reader.call("tenants/create", ["name": "blocked"]).errorCode, "store_unavailable")
        reader.stop()
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, "verify takes no lock either: \(v.out)")
    }

    func testAReadOnlyStoreIsServedForReads() throws {
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        s.call("tenants/create", ["name": "on-a-read-only-mount"])
        s.stop()
        let mount = store + ".ro"
        TemporaryStores.shared.register(mount)
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false)
        let bind = try run(
            ["-c", "mount --bind \"$0\" \"$1\" && mount -o remount,bind,ro \"$1\"", store, mount],
            environment: nil, shell: true)
        guard bind.status == 0 else { throw XCTSkip("cannot make a read-only bind mount here: \(bind.err)") }
        defer { _ = try? run(["-c", "umount \"$0\"", mount], environment: nil, shell: true) }
        let reader = try ServerProcess(["--cleanup-schedule", "off"], store: mount)
        reader.initialize(actor: sysadmin)
        XCTAssertEqual(reader.tenantNames, ["on-a-read-only-mount"])
        let w = reader.call("tenants/create", ["name": "refused"])
        XCTAssertEqual(w.errorCode, "store_unavailable")
        XCTAssertTrue("\(w)".contains("read-only"), "\(w)")
        reader.stop()
        XCTAssertEqual(try runToEnd(["verify", "--store", mount]).status, 0)
        // A store of the earlier layout (no CURRENT) on a read-only mount is served as it is.
        unlink(store + "/CURRENT")
        let earlier = try ServerProcess(["--cleanup-schedule", "off"], store: mount)
        earlier.initialize(actor: sysadmin)
        XCTAssertEqual(earlier.tenantNames, ["on-a-read-only-mount"], "\(earlier.stderrText)")
        XCTAssertEqual(earlier.tenantNames, ["on-a-read-only-mount"], "and again on the next request")
        earlier.stop()
    }

    private func run(
        _ arguments: [String], environment: [String: String]?, shell: Bool
    ) throws -> (status: Int32, out: String, err: String) {
        let p = try ServerProcess(arguments, environment: environment, executable: "/bin/sh")
        let status = p.waitForExit(timeout: 60)?.status ?? -1
        return (status, String(decoding: p.rawStdout, as: UTF8.self), p.stderrText)
    }
}
