import JSONRPC

/// The demo's steps: each sends real requests and prints them with a compact rendering of the
/// answer, and checks that the answer is what the contract says.
struct Walkthrough {
    let style: Style
    let admin: ChildSession
    let root: ChildSession
    let demo: DemoPlatform
    private var step = 0
    private var failures = 0

    init(style: Style, admin: ChildSession, root: ChildSession, demo: DemoPlatform) {
        self.style = style
        self.admin = admin
        self.root = root
        self.demo = demo
    }

    // MARK: printing

    private mutating func section(_ title: String) {
        step += 1
        say("\n" + style.title("\(step). \(title)"))
    }

    private func show(_ session: ChildSession, _ method: String, _ params: JSONValue) -> JSONValue {
        let who = session === admin ? "admin" : "sysadmin"
        var shown = JSONWriter.string(params)
        if shown.count > 160 { shown = String(shown.prefix(157)) + "…" }
        say(style.dim("  --> [\(who)] \(method) \(shown)"))
        return session.call(method, params)
    }

    private func answer(_ lines: [String]) { for l in lines { say("  <-- " + l) } }

    private mutating func expect(_ condition: Bool, _ what: String) {
        if condition {
            say("      " + style.ok("✓ ") + what)
        } else {
            say("      " + style.bad("✗ ") + what)
            failures += 1
        }
    }

    private func errorLine(_ r: JSONValue) -> String {
        let e = r["error"]
        return style.warn("error \(e?["code"]?.description ?? "?") \(e?["data"]?["code"]?.stringValue ?? "")") + ": "
            + (e?["message"]?.stringValue ?? "")
    }

    private func issues(_ list: JSONValue?) -> [String] {
        (list?.arrayValue ?? []).map { i in
            let sev = i["severity"]?.stringValue ?? ""
            let tag = sev == "blocker" ? style.bad(sev) : sev == "warning" ? style.warn(sev) : style.dim(sev)
            return "  \(tag) \(i["code"]?.stringValue ?? ""): \(i["message"]?.stringValue ?? "")"
        }
    }

    private func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count)
    }

    // MARK: the story

    mutating func run() -> Bool {
        section("An admin opens a session: the server warns about retiring models still in use")
        let info = show(admin, "catalog/info", [:])
        answer([
            "catalog \(info["result"]?["path"]?.stringValue ?? "?"): \(info["result"]?["entries"]?.description ?? "?") entries"
        ])
        let notices = admin.takeNotifications().filter { $0.0 == "models/lifecycleNotice" }
        for (_, params) in notices {
            answer(
                (params["models"]?.arrayValue ?? []).map {
                    "models/lifecycleNotice  \(pad($0["name"]?.stringValue ?? "", 28)) \(pad($0["status"]?.stringValue ?? "", 10)) "
                        + "date \($0["deprecationDate"]?.stringValue ?? "-")  successor \($0["successorModel"]?.stringValue ?? "-")  "
                        + "\($0["activeReferences"]?.description ?? "0") active references"
                })
        }
        expect(!notices.isEmpty, "an admin session hears about retiring or deprecated models in use")

        section("The models, with their lifecycle flags from the catalog")
        let list = show(admin, "models/list", ["limit": 50])
        let items = list["result"]?["items"]?.arrayValue ?? []
        answer(
            ["\(list["result"]?["total"]?.description ?? "?") models"]
                + items.filter { $0["status"] != "active" }.prefix(10).map {
                    "\(pad($0["name"]?.stringValue ?? "", 30)) \(pad($0["status"]?.stringValue ?? "", 10)) deprecation \($0["deprecationDate"]?.stringValue ?? "-")  canAccess \($0["canAccess"]?.description ?? "")"
                } + ["… and \(items.filter { $0["status"] == "active" }.count) active ones"])
        expect(
            items.contains { $0["status"] == "retiring" || $0["status"] == "deprecated" },
            "retiring and deprecated models are flagged")

        section("What should replace \(demo.retiringName)?")
        let suggestions = show(admin, "models/suggestReplacement", ["id": .string(demo.retiring), "limit": 5])
        answer(
            (suggestions["result"]?["items"]?.arrayValue ?? []).map {
                "\(pad($0["name"]?.stringValue ?? "", 30)) canMigrate \($0["canMigrate"]?.description ?? "")  \(($0["reasons"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "; "))"
            })
        expect(
            !(suggestions["result"]?["items"]?.arrayValue ?? []).isEmpty,
            "ranked candidates, each with its preflight summary")

        section("Preflight against a model of another family: warnings that need confirmation")
        let risky = show(
            admin, "migration/validate",
            ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.otherFamily)])
        answer(
            [
                "canMigrate \(risky["result"]?["canMigrate"]?.description ?? "?")  requiresConfirmation \(risky["result"]?["requiresConfirmation"]?.description ?? "?")"
            ]
                + issues(risky["result"]?["issues"]) + ["impact \(risky["result"]?["impact"]?.description ?? "")"])
        expect(
            risky["result"]?["requiresConfirmation"] == true || risky["result"]?["canMigrate"] == false,
            "warnings (or blockers) are reported before anything changes")

        section("Preflight against an unclassified model: a blocker nothing overrides")
        let blocked = show(
            admin, "migration/validate",
            ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.unclassified)])
        answer(
            ["canMigrate \(blocked["result"]?["canMigrate"]?.description ?? "?")"]
                + issues(blocked["result"]?["issues"]))
        let forced = show(
            admin, "migration/execute",
            ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.unclassified), "confirm": true])
        answer([errorLine(forced)])
        expect(
            forced["error"]?["data"]?["code"] == "migration_blocked" || blocked["result"]?["canMigrate"] == true,
            "confirm: true does not override a blocker")

        section("Migrate to the recommended replacement")
        let plan = show(
            admin, "migration/validate",
            ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.replacement)])
        answer(
            issues(plan["result"]?["issues"]) + [
                "impact \(plan["result"]?["impact"]?.description ?? "")",
                "planHash \(plan["result"]?["planHash"]?.stringValue ?? "")",
            ])
        var migrationId: JSONValue = .null
        if plan["result"]?["canMigrate"] == true {
            if plan["result"]?["requiresConfirmation"] == true {
                let refused = show(
                    admin, "migration/execute",
                    ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.replacement)])
                answer([errorLine(refused)])
                expect(refused["error"]?["data"]?["code"] == "confirmation_required", "warnings need confirm: true")
            }
            let done = show(
                admin, "migration/execute",
                [
                    "fromModelId": .string(demo.retiring), "toModelId": .string(demo.replacement), "confirm": true,
                    "expectedPlanHash": plan["result"]?["planHash"] ?? .null, "workDoneToken": "demo",
                ])
            migrationId = done["result"]?["migrationId"] ?? .null
            answer([
                "completed: moved \(done["result"]?["moved"]?.description ?? "?"), total \(done["result"]?["total"]?.description ?? "?"), "
                    + "sourceRetired \(done["result"]?["sourceRetired"]?.description ?? "?") in \(done["result"]?["durationMs"]?.description ?? "?") ms"
            ])
            let progress = admin.takeNotifications().filter { $0.0 == "$/progress" }.count
            expect(
                done["result"]?["status"] == "completed",
                "one atomic, durable step (\(progress) progress notifications)")
            let questions = show(admin, "questions/count", ["modelId": .string(demo.retiring)])
            answer([
                "\(questions["result"]?["count"]?.description ?? "?") questions stay on \(demo.retiringName): questions are history"
            ])
        } else {
            expect(false, "the replacement can be migrated to")
        }

        section("History, then undo")
        let history = show(admin, "migration/history", ["modelId": .string(demo.retiring), "limit": 5])
        answer(
            (history["result"]?["items"]?.arrayValue ?? []).map {
                "\($0["kind"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "") \($0["fromModelName"]?.stringValue ?? "") → \($0["toModelName"]?.stringValue ?? "") "
                    + "moved \($0["movedCount"]?.description ?? "0") by \($0["initiatedBy"]?["name"]?.stringValue ?? "")"
            })
        let undo = show(admin, "migration/revert", ["migrationId": migrationId])
        answer(
            undo["error"] != nil
                ? [errorLine(undo)]
                : [
                    "restored \(undo["result"]?["restored"]?.description ?? "")  skipped \(undo["result"]?["skipped"]?.arrayValue?.count ?? 0)"
                ])
        expect(undo["result"] != nil, "a completed migration can be reverted entity by entity")

        section("One retiring model, one replacement")
        let part = show(
            admin, "migration/execute",
            [
                "fromModelId": .string(demo.retiring), "toModelId": .string(demo.replacement),
                "entityTypes": ["assistants"], "confirm": true,
            ])
        answer([
            "partial: moved \(part["result"]?["moved"]?.description ?? "?"), sourceRetired \(part["result"]?["sourceRetired"]?.description ?? "?")"
        ])
        let split = show(
            admin, "migration/validate",
            ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.otherFamily), "entityTypes": ["apps"]])
        answer(issues(split["result"]?["issues"]))
        expect(
            (split["result"]?["issues"]?.arrayValue ?? []).contains { $0["code"] == "split_target" },
            "the rest cannot go to another replacement by accident (split_target)")
        let again = show(
            admin, "migration/execute",
            ["fromModelId": .string(demo.retiring), "toModelId": .string(demo.replacement), "confirm": true])
        answer([
            "the rest to the same replacement: total \(again["result"]?["total"]?.description ?? "?"), sourceRetired \(again["result"]?["sourceRetired"]?.description ?? "?")"
        ])

        section("Retire the old model")
        let deleted = show(admin, "models/delete", ["id": .string(demo.retiring)])
        answer(
            deleted["error"] != nil ? [errorLine(deleted)] : ["soft-deleted: hidden from lists, history keeps its name"]
        )
        let dry = show(root, "lifecycle/cleanup", ["dryRun": true])
        let skipped = (dry["result"]?["skipped"]?.arrayValue ?? []).filter { $0["id"] == .string(demo.retiring) }
        answer(
            [
                "dry run: \(dry["result"]?["removed"]?.arrayValue?.count ?? 0) removed, \(dry["result"]?["skipped"]?.arrayValue?.count ?? 0) skipped"
            ]
                + skipped.map { "\($0["name"]?.stringValue ?? "") skipped: \($0["reason"]?.stringValue ?? "")" })
        expect(
            skipped.first?["reason"] == "has_questions", "questions keep the model until data retention removes them")
        let purge = show(admin, "questions/purge", ["before": "2999-01-01T00:00:00.000Z"])
        answer(["purged \(purge["result"]?["purged"]?.description ?? "?") questions (data retention)"])
        let cleanup = show(root, "lifecycle/cleanup", [:])
        let removed = (cleanup["result"]?["removed"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        answer([
            "removed \(removed.joined(separator: ", "))",
            "skipped \(cleanup["result"]?["skipped"]?.arrayValue?.count ?? 0)",
        ])
        expect(removed.contains(demo.retiringName), "cleanup hard-deletes the retired model")
        let after = show(admin, "migration/history", ["migrationId": migrationId])
        let entry = after["result"]?["items"]?[0]
        answer([
            "history entry: from \(entry?["fromModelName"]?.stringValue ?? "?") (id \(entry?["fromModelId"]?.description ?? "?")) → \(entry?["toModelName"]?.stringValue ?? "?")"
        ])
        expect(
            entry?["fromModelId"] == .null && entry?["fromModelName"]?.stringValue == demo.retiringName,
            "history outlives the model, names snapshotted")
        section("A lifecycle policy moves another tenant off its retiring models by itself")
        let globex: JSONValue = .string(demo.globex)
        let policy = show(
            root, "policies/set",
            [
                "tenantId": globex, "mode": "auto", "trigger": "retiring", "leadDays": 90, "target": "best",
                "noticeDays": 0, "undoDays": 30,
                "allowWarnings": [
                    "target_retiring", "lower_token_limit", "different_family", "lacks_vision", "lacks_reasoning",
                    "lacks_tool_calling",
                ],
            ])
        answer([
            "policy: \(policy["result"]?["mode"]?.stringValue ?? "?"), \(policy["result"]?["trigger"]?.stringValue ?? "?") "
                + "\(policy["result"]?["leadDays"]?.description ?? "?") days ahead, notice \(policy["result"]?["noticeDays"]?.description ?? "?") days"
        ])
        let tick = show(root, "lifecycle/tick", [:])
        let actions = tick["result"]?["actions"]?.arrayValue ?? []
        answer(
            actions.prefix(8).map {
                "\(pad($0["action"]?.stringValue ?? "", 18)) plan \($0["planId"]?.stringValue?.prefix(8) ?? "")  "
                    + ($0["reason"]?.stringValue ?? "")
            })
        expect(actions.contains { $0["action"] == "announced" }, "the policy announces its plans")
        expect(
            actions.contains { $0["action"] == "executed" },
            "a due, warning-free (or allowed) plan runs as an ordinary, revertible migration")
        let audit = show(admin, "audit/list", ["limit": 10])
        answer(
            (audit["result"]?["items"]?.arrayValue ?? []).prefix(6).map {
                "\($0["action"]?.stringValue ?? "") — \($0["description"]?.stringValue ?? "")"
            })
        return failures == 0
    }
}
