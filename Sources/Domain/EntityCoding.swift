import JSONRPC

// The journal form of each entity: its wire field names, timestamps as epoch milliseconds.

extension Tenant {
    /// The tenant's journal form: wire field names, `createdAt` in epoch milliseconds.
    public var record: JSONObject {
        var o: JSONObject = [
            "id": .string(id), "name": .string(name), "securityEnabled": .bool(securityEnabled),
            "createdAt": .number(JSONNumber(Int(createdAt))),
        ]
        if !defaultsLost.isEmpty { o.append("defaultsLost", .array(defaultsLost.map { .string($0.rawValue) })) }
        if policy != LifecyclePolicy() { o.append("policy", .object(policy.json)) }
        return o
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "tenant")
        self.init(
            id: try r.string("id"), name: try r.string("name"), securityEnabled: r.bool("securityEnabled"),
            createdAt: try r.int64("createdAt"))
        defaultsLost = r.strings("defaultsLost").compactMap(ModelKind.init(rawValue:))
        if let p = o["policy"]?.objectValue { policy = LifecyclePolicy(record: p) }
    }
}

extension Classification {
    /// The classification's journal form, in wire field names.
    public var record: JSONObject {
        ["id": .string(id), "tenantId": .string(tenantId), "name": .string(name), "level": .int(level)]
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "classification")
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), name: try r.string("name"),
            level: try r.int("level"))
    }
}

extension Provider {
    /// The provider account's journal form, in wire field names.
    public var record: JSONObject {
        [
            "id": .string(id), "tenantId": .string(tenantId), "name": .string(name),
            "providerType": .string(providerType),
        ]
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "provider")
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), name: try r.string("name"),
            providerType: try r.string("providerType"))
    }
}

extension Model {
    /// The model's journal form: its stored fields (the manual flag as `manualDeprecated`), absent optionals
    /// left out, timestamps in epoch milliseconds; catalog-derived fields and the status are not stored.
    public var record: JSONObject {
        var o: JSONObject = [
            "id": .string(id), "tenantId": .string(tenantId), "kind": .string(kind.rawValue), "name": .string(name),
            "providerId": .string(providerId),
        ]
        o.appendIfPresent("nickname", nickname)
        o.appendIfPresent("family", family)
        o.appendIfPresent("maxInputTokens", maxInputTokens)
        o.appendIfPresent("maxOutputTokens", maxOutputTokens)
        o.append("vision", .bool(vision))
        o.append("reasoning", .bool(reasoning))
        o.append("toolCalling", .bool(toolCalling))
        o.appendIfPresent("hosting", hosting)
        o.append("openSource", .bool(openSource))
        o.appendIfPresent("securityClassificationId", securityClassificationId)
        o.append("isEnabled", .bool(isEnabled))
        o.append("isDefault", .bool(isDefault))
        o.append("manualDeprecated", .bool(manualDeprecated))
        o.appendIfPresent("migratedToModelId", migratedToModelId)
        o.appendIfPresent("migratedAt", migratedAt)
        o.appendIfPresent("deletedAt", deletedAt)
        o.append("createdAt", .number(JSONNumber(Int(createdAt))))
        o.append("updatedAt", .number(JSONNumber(Int(updatedAt))))
        return o
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "model")
        guard let kind = ModelKind(rawValue: try r.string("kind")) else { throw DecodeError("model.kind invalid") }
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), kind: kind, name: try r.string("name"),
            providerId: try r.string("providerId"), createdAt: try r.int64("createdAt"))
        nickname = r.optionalString("nickname")
        family = r.optionalString("family")
        maxInputTokens = r.optionalInt("maxInputTokens")
        maxOutputTokens = r.optionalInt("maxOutputTokens")
        vision = r.bool("vision")
        reasoning = r.bool("reasoning")
        toolCalling = r.bool("toolCalling")
        hosting = r.optionalString("hosting")
        openSource = r.bool("openSource")
        securityClassificationId = r.optionalString("securityClassificationId")
        isEnabled = r.bool("isEnabled")
        isDefault = r.bool("isDefault")
        manualDeprecated = r.bool("manualDeprecated")
        migratedToModelId = r.optionalString("migratedToModelId")
        migratedAt = r.optionalInt64("migratedAt")
        deletedAt = r.optionalInt64("deletedAt")
        updatedAt = try r.int64("updatedAt")
    }
}

extension Space {
    /// The space's journal form: wire field names, an absent classification left out, `createdAt` in epoch
    /// milliseconds.
    public var record: JSONObject {
        var o: JSONObject = ["id": .string(id), "tenantId": .string(tenantId), "name": .string(name)]
        o.appendIfPresent("securityClassificationId", securityClassificationId)
        o.append("modelIds", .array(modelIds.map { .string($0) }))
        o.append("createdAt", .number(JSONNumber(Int(createdAt))))
        return o
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "space")
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), name: try r.string("name"),
            securityClassificationId: r.optionalString("securityClassificationId"), modelIds: r.strings("modelIds"),
            createdAt: try r.int64("createdAt"))
    }
}

extension ConfigItem {
    /// The assistant's, app's or service's journal form: wire field names (with `kind`), timestamps in epoch
    /// milliseconds.
    public var record: JSONObject {
        var o: JSONObject = [
            "kind": .string(kind.rawValue), "id": .string(id), "tenantId": .string(tenantId),
            "spaceId": .string(spaceId),
            "name": .string(name), "completionModelId": .string(completionModelId), "kwargs": .object(kwargs),
            "createdBy": .string(createdBy), "createdAt": .number(JSONNumber(Int(createdAt))),
            "updatedAt": .number(JSONNumber(Int(updatedAt))),
        ]
        o.appendIfPresent("transcriptionModelId", transcriptionModelId)
        if lifecyclePinned { o.append("lifecyclePinned", true) }
        return o
    }
    /// Writes `record` to `w`, member for member, without building it.
    func writeRecord(into w: inout JSONWriter) {
        func member(_ name: StaticString, _ value: String) {
            w.appendRaw(name)
            w.writeString(value)
        }
        member(#"{"kind":"#, kind.rawValue)
        member(#","id":"#, id)
        member(#","tenantId":"#, tenantId)
        member(#","spaceId":"#, spaceId)
        member(#","name":"#, name)
        member(#","completionModelId":"#, completionModelId)
        w.appendRaw(#","kwargs":"#)
        w.write(.object(kwargs))
        member(#","createdBy":"#, createdBy)
        w.appendRaw(#","createdAt":"#)
        w.appendASCII(JSONNumber(Int(createdAt)).text)
        w.appendRaw(#","updatedAt":"#)
        w.appendASCII(JSONNumber(Int(updatedAt)).text)
        if let transcriptionModelId { member(#","transcriptionModelId":"#, transcriptionModelId) }
        if lifecyclePinned { w.appendRaw(#","lifecyclePinned":true"#) }
        w.appendRaw("}")
    }

    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "config")
        guard let kind = ConfigKind(rawValue: try r.string("kind")) else { throw DecodeError("config.kind invalid") }
        self.init(
            kind: kind, id: try r.string("id"), tenantId: try r.string("tenantId"), spaceId: try r.string("spaceId"),
            name: try r.string("name"), completionModelId: try r.string("completionModelId"),
            kwargs: r.objectValue("kwargs"),
            createdBy: try r.string("createdBy"), createdAt: try r.int64("createdAt"))
        updatedAt = try r.int64("updatedAt")
        transcriptionModelId = r.optionalString("transcriptionModelId")
        lifecyclePinned = r.bool("lifecyclePinned")
    }
}

extension Template {
    /// The template's journal form: wire field names, absent `completionModelId` and `deletedAt` left out,
    /// timestamps in epoch milliseconds.
    public var record: JSONObject {
        var o: JSONObject = [
            "id": .string(id), "tenantId": .string(tenantId), "kind": .string(kind.rawValue), "name": .string(name),
        ]
        o.appendIfPresent("completionModelId", completionModelId)
        o.append("kwargs", .object(kwargs))
        o.appendIfPresent("deletedAt", deletedAt)
        o.append("createdAt", .number(JSONNumber(Int(createdAt))))
        o.append("updatedAt", .number(JSONNumber(Int(updatedAt))))
        return o
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "template")
        guard let kind = TemplateKind(rawValue: try r.string("kind")) else {
            throw DecodeError("template.kind invalid")
        }
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), kind: kind, name: try r.string("name"),
            completionModelId: r.optionalString("completionModelId"), kwargs: r.objectValue("kwargs"),
            createdAt: try r.int64("createdAt"))
        deletedAt = r.optionalInt64("deletedAt")
        updatedAt = try r.int64("updatedAt")
    }
}

extension KnowledgeCollection {
    /// The collection's journal form: wire field names, timestamps in epoch milliseconds.
    public var record: JSONObject {
        [
            "id": .string(id), "tenantId": .string(tenantId), "spaceId": .string(spaceId), "name": .string(name),
            "embeddingModelId": .string(embeddingModelId), "createdAt": .number(JSONNumber(Int(createdAt))),
            "updatedAt": .number(JSONNumber(Int(updatedAt))),
        ]
    }
    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "collection")
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), spaceId: try r.string("spaceId"),
            name: try r.string("name"), embeddingModelId: try r.string("embeddingModelId"),
            createdAt: try r.int64("createdAt"))
        updatedAt = try r.int64("updatedAt")
    }
}
