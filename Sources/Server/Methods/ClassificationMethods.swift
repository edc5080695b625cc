import JSONRPC
import Domain

/// `classifications/*` and `providers/*` (admins of the tenant, sysadmins).
enum ClassificationMethods {
    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "classifications/create", .admin,
                summary:
                    "Creates a security classification; a higher level is more restrictive. Names are unique in the tenant.",
                params: [.required("name", .name()), .required("level", .integer(min: -1_000_000, max: 1_000_000))],
                result: EntitySchemas.classification, errors: [.conflict]
            ) { call throws(ServerError) in
                let name = try call.params.string("name")
                return try call.platform.write { state throws(ServerError) in
                    try unique(name, state, call.tenantId, except: nil)
                    let c = Classification(
                        id: call.platform.newID(), tenantId: call.tenantId, name: name,
                        level: try call.params.int("level"))
                    return (Transaction([.putClassification(c)]), Views.classification(c))
                }
            },
            DomainMethod(
                "classifications/get", .admin, summary: "One classification.", params: [Fields.id],
                result: EntitySchemas.classification
            ) { call throws(ServerError) in
                Views.classification(try call.platform.read().classification(call.params.id, in: call.tenantId))
            },
            DomainMethod(
                "classifications/list", .admin, summary: "The tenant's classifications, by level then name.",
                params: [],
                result: .object([
                    .required("items", .array(EntitySchemas.classification)), .required("total", .integer()),
                    .required("nextCursor", .nullable(.string())),
                ])
            ) { call throws(ServerError) in
                let items = try call.platform.read().classifications.values.filter { $0.tenantId == call.tenantId }
                    .sorted { ($0.level, $0.name) < ($1.level, $1.name) }
                return [
                    "items": .array(items.map(Views.classification)), "total": .int(items.count), "nextCursor": .null,
                ]
            },
            DomainMethod(
                "classifications/update", .admin, summary: "Renames a classification or changes its level.",
                params: [
                    Fields.id, .optional("name", .name()),
                    .optional("level", .integer(min: -1_000_000, max: 1_000_000)),
                ],
                result: EntitySchemas.classification, errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var c = try state.classification(call.params.id, in: call.tenantId)
                    if let name = call.params.optionalString("name") {
                        try unique(name, state, call.tenantId, except: c.id)
                        c.name = name
                    }
                    if let level = call.params.optionalInt("level") { c.level = level }
                    return (Transaction([.putClassification(c)]), Views.classification(c))
                }
            },
            DomainMethod(
                "classifications/delete", .admin, summary: "Deletes a classification no model or space uses.",
                params: [Fields.id], result: .object([.required("deleted", .boolean)]), errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let c = try state.classification(call.params.id, in: call.tenantId)
                    if state.models.values.contains(where: { $0.securityClassificationId == c.id })
                        || state.spaces.values.contains(where: { $0.securityClassificationId == c.id })
                    {
                        throw .domain(.conflict(reason: "the classification is still used by models or spaces"))
                    }
                    return (Transaction([.remove(.classification, id: c.id)]), ["deleted": true])
                }
            },
            DomainMethod(
                "providers/create", .admin,
                summary:
                    "Creates a provider account (openai, azure, anthropic, vllm, …). Names are unique in the tenant.",
                params: [.required("name", .name()), .required("providerType", .name(max: 100))],
                result: EntitySchemas.provider, errors: [.conflict]
            ) { call throws(ServerError) in
                let name = try call.params.string("name")
                return try call.platform.write { state throws(ServerError) in
                    try uniqueProvider(name, state, call.tenantId, except: nil)
                    let p = Provider(
                        id: call.platform.newID(), tenantId: call.tenantId, name: name,
                        providerType: try call.params.string("providerType"))
                    return (Transaction([.putProvider(p)]), Views.provider(p))
                }
            },
            DomainMethod(
                "providers/get", .admin, summary: "One provider.", params: [Fields.id], result: EntitySchemas.provider
            ) { call throws(ServerError) in
                Views.provider(try call.platform.read().provider(call.params.id, in: call.tenantId))
            },
            DomainMethod(
                "providers/list", .admin, summary: "The tenant's providers, by name.", params: [],
                result: .object([
                    .required("items", .array(EntitySchemas.provider)), .required("total", .integer()),
                    .required("nextCursor", .nullable(.string())),
                ])
            ) { call throws(ServerError) in
                let items = try call.platform.read().providers.values.filter { $0.tenantId == call.tenantId }.sorted {
                    ($0.name, $0.id) < ($1.name, $1.id)
                }
                return ["items": .array(items.map(Views.provider)), "total": .int(items.count), "nextCursor": .null]
            },
            DomainMethod(
                "providers/update", .admin, summary: "Renames a provider or changes its type.",
                params: [Fields.id, .optional("name", .name()), .optional("providerType", .name(max: 100))],
                result: EntitySchemas.provider, errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var p = try state.provider(call.params.id, in: call.tenantId)
                    if let name = call.params.optionalString("name") {
                        try uniqueProvider(name, state, call.tenantId, except: p.id)
                        p.name = name
                    }
                    if let t = call.params.optionalString("providerType") { p.providerType = t }
                    return (Transaction([.putProvider(p)]), Views.provider(p))
                }
            },
            DomainMethod(
                "providers/delete", .admin, summary: "Deletes a provider no stored model uses.",
                params: [Fields.id], result: .object([.required("deleted", .boolean)]), errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let p = try state.provider(call.params.id, in: call.tenantId)
                    if state.models.values.contains(where: { $0.providerId == p.id }) {
                        throw .domain(.conflict(reason: "the provider is still used by models"))
                    }
                    return (Transaction([.remove(.provider, id: p.id)]), ["deleted": true])
                }
            },
        ]
    }

    private static func unique(
        _ name: String, _ state: PlatformState, _ tenant: String, except: String?
    ) throws(ServerError) {
        if state.classifications.values.contains(where: { $0.tenantId == tenant && $0.name == name && $0.id != except })
        {
            throw .domain(.conflict(reason: "a classification named \"\(name)\" exists in the tenant"))
        }
    }

    private static func uniqueProvider(
        _ name: String, _ state: PlatformState, _ tenant: String, except: String?
    ) throws(ServerError) {
        if state.providers.values.contains(where: { $0.tenantId == tenant && $0.name == name && $0.id != except }) {
            throw .domain(.conflict(reason: "a provider named \"\(name)\" exists in the tenant"))
        }
    }
}
