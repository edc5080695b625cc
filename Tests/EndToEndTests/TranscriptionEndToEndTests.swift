import Foundation
import XCTest
import JSONRPC

/// Transcription models have the whole lifecycle: apps transcribe with them, spaces link them,
/// and validate, execute, revert, history, delete and cleanup work for them, with the checks that
/// fit the kind.
final class TranscriptionEndToEndTests: XCTestCase {
    func testATranscriptionModelIsUsedMigratedRevertedAndRetiredLikeAnyOther() throws {
        let root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        let tenant = root.call("tenants/create", ["name": "Voice"]).id
        let admin = try ServerProcess([], store: root.storeDirectory)
        admin.initialize(actor: Actors.admin(tenant))
        let provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        func model(_ name: String, _ kind: String, _ extra: JSONObject = [:]) -> String {
            var params: JSONObject = ["kind": .string(kind), "name": .string(name), "providerId": .string(provider)]
            for m in extra { params[m.key] = m.value }
            return admin.call("models/create", .object(params)).id
        }
        let chat = model("gpt-4o", "completion")
        // The capability flags a completion model would lose would warn; for transcription they must not.
        let whisper = model(
            "whisper-1", "transcription", ["vision": true, "toolCalling": true, "maxInputTokens": 9000])
        let transcribe = model("gpt-4o-transcribe", "transcription", ["maxInputTokens": 100])
        let space = admin.call("spaces/create", ["name": "Calls"]).id
        for m in [chat, whisper] {
            admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])
        }
        func app(_ params: JSONObject, method: String = "apps/create") -> JSONValue {
            var p: JSONObject = ["spaceId": .string(space), "name": "Transcriber", "completionModelId": .string(chat)]
            for m in params { p[m.key] = m.value }
            return admin.call(method, .object(p))
        }

        let made = app(["transcriptionModelId": .string(whisper)])
        XCTAssertEqual(made["transcriptionModelId"], .string(whisper), "\(made)")
        let appId = made.id
        XCTAssertEqual(
            app(["transcriptionModelId": .string(whisper)], method: "assistants/create")["error"]?["data"]?["field"],
            "/transcriptionModelId", "only apps transcribe")
        XCTAssertEqual(
            app(["transcriptionModelId": .string(chat)])["error"]?["data"]?["reason"], "not_a_transcription_model")
        XCTAssertEqual(
            app(["transcriptionModelId": .string(transcribe)])["error"]?["data"]?["reason"], "not_enabled_in_space")

        let inUse = admin.call("models/delete", ["id": .string(whisper)])
        XCTAssertEqual(inUse["error"]?["data"]?["references"]?["apps"], 1, "\(inUse)")

        let plan = admin.call(
            "migration/validate", ["fromModelId": .string(whisper), "toModelId": .string(transcribe)])
        XCTAssertEqual(plan["issues"], [], "no vision, tool or token warnings for transcription: \(plan)")
        XCTAssertEqual(plan["impact"]?["apps"], 1)
        XCTAssertEqual(plan["impact"]?["spacesGainingTarget"], 1)

        let done = admin.call("migration/execute", ["fromModelId": .string(whisper), "toModelId": .string(transcribe)])
        XCTAssertEqual(done["moved"]?["apps"], 1, "\(done)")
        XCTAssertEqual(done["sourceRetired"], true)
        let moved = admin.call("apps/get", ["id": .string(appId)])
        XCTAssertEqual(moved["transcriptionModelId"], .string(transcribe))
        XCTAssertEqual(moved["completionModelId"], .string(chat), "its completion model stays")
        XCTAssertEqual(admin.call("models/get", ["id": .string(whisper)])["status"], "migrated")
        XCTAssertEqual(
            admin.call("spaces/get", ["id": .string(space)])["modelIds"]?.arrayValue?.contains(.string(transcribe)),
            true)
        let entry = admin.call("migration/history", ["modelId": .string(whisper)])["items"]?[0]
        XCTAssertEqual(entry?["movedCount"], 2, "the app and the space's link")

        let undo = admin.call("migration/revert", ["migrationId": done["migrationId"] ?? .null])
        XCTAssertEqual(undo["restored"]?["apps"], 1, "\(undo)")
        XCTAssertEqual(admin.call("apps/get", ["id": .string(appId)])["transcriptionModelId"], .string(whisper))
        XCTAssertEqual(admin.call("models/get", ["id": .string(whisper)])["status"], "active")

        // Retired for good: migrated again, then nothing holds it, and cleanup removes it.
        XCTAssertEqual(
            admin.call("migration/execute", ["fromModelId": .string(whisper), "toModelId": .string(transcribe)])[
                "sourceRetired"], true)
        let cleaned = root.call("lifecycle/cleanup")
        XCTAssertEqual(cleaned["removed"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [whisper], "\(cleaned)")
        XCTAssertEqual(
            admin.call("apps/update", ["id": .string(appId), "transcriptionModelId": .null])["transcriptionModelId"],
            .null, "null removes it")
        admin.stop()
        root.stop()
        XCTAssertEqual(try runToEnd(["verify", "--store", root.storeDirectory]).status, 0)
    }
}
