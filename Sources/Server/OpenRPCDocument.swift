import JSONRPC

/// Builds the OpenRPC 1.3 document of a method table: what `rpc.discover` returns and what
/// `Protocol/openrpc.json` holds.
public enum OpenRPCDocument {
    /// The OpenRPC document of every method in `table` (what `rpc.discover` returns).
    public static func build(table: MethodTable, info: ServerInfo) -> JSONValue {
        var components = JSONObject()
        var methods: [JSONValue] = []
        var notifications: [JSONValue] = []
        for spec in table.specs + table.serverNotifications {
            var m: JSONObject = ["name": .string(spec.name), "summary": .string(spec.summary)]
            switch spec.params {
            case .unchecked:
                m["paramStructure"] = "either"
                m["params"] = .array([])
            case .named(let fields), .namedOpen(let fields):
                m["paramStructure"] = "by-name"
                m["params"] = .array(
                    fields.map { f in
                        var p: JSONObject = ["name": .string(f.name)]
                        if !f.summary.isEmpty { p["summary"] = .string(f.summary) }
                        p["required"] = .bool(f.required)
                        p["schema"] = jsonSchema(f.schema, components: &components)
                        return .object(p)
                    })
            }
            if spec.kind == .request, let result = spec.result {
                m["result"] = [
                    "name": .string(spec.name.replacingSlashes + "Result"),
                    "schema": jsonSchema(result, components: &components),
                ]
            }
            if !spec.errors.isEmpty {
                m["errors"] = .array(
                    spec.errors.map { code in
                        ["code": .int(code.rawValue), "message": .string(ApplicationErrorNames.name(of: code))]
                    })
            }
            if spec.kind == .notification { m["x-notification"] = true }
            if table.serverNotifications.contains(where: { $0.name == spec.name }) {
                notifications.append(.object(m))
            } else {
                methods.append(.object(m))
            }
        }
        let sortedComponents = JSONObject(members: components.members.sorted { $0.key < $1.key })
        return [
            "openrpc": "1.3.2",
            "info": [
                "title": .string(info.name),
                "version": .string(info.version),
                "description":
                    "Keeps the lifecycle of the AI models of a multi-tenant platform. JSON-RPC 2.0 over stdio with LSP base-protocol framing. Protocol/README.md explains how to talk to it.",
            ],
            "methods": .array(methods),
            "components": ["schemas": .object(sortedComponents)],
            // Specification extension: what the server sends on its own (not callable).
            "x-server-notifications": .array(notifications),
        ]
    }

    /// JSON Schema (draft 7 vocabulary) for a schema; named shapes become `$ref`s into `components`.
    static func jsonSchema(_ schema: Schema, components: inout JSONObject) -> JSONValue {
        switch schema {
        case .any: return .object(JSONObject())
        case .anyObject: return ["type": "object"]
        case .boolean: return ["type": "boolean"]
        case .number: return ["type": "number"]
        case .integer(let min, let max):
            var o: JSONObject = ["type": "integer"]
            if let min { o["minimum"] = .int(min) }
            if let max { o["maximum"] = .int(max) }
            return .object(o)
        case .string(let rule):
            var o: JSONObject = ["type": "string"]
            if let allowed = rule.allowed {
                o["enum"] = .array(allowed.map { .string($0) })
                return .object(o)
            }
            if rule.minLength > 0 { o["minLength"] = .int(rule.minLength) }
            o["maxLength"] = .int(rule.maxLength)
            o["x-maxBytes"] = .int(rule.maxBytes)
            if let f = rule.format {
                switch f {
                case .uuid: o["pattern"] = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
                case .date: o["format"] = "date"
                case .timestamp: o["format"] = "date-time"
                }
            }
            return .object(o)
        case .array(let element, let maxItems):
            var o: JSONObject = ["type": "array", "items": jsonSchema(element, components: &components)]
            if let maxItems { o["maxItems"] = .int(maxItems) }
            return .object(o)
        case .object(let fields):
            var props = JSONObject()
            for f in fields {
                var s = jsonSchema(f.schema, components: &components)
                if !f.summary.isEmpty, case .object(var so) = s, so["$ref"] == nil {
                    so["description"] = .string(f.summary)
                    s = .object(so)
                }
                props[f.name] = s
            }
            var o: JSONObject = ["type": "object", "properties": .object(props)]
            let required = fields.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { o["required"] = .array(required) }
            o["additionalProperties"] = false
            return .object(o)
        case .nullable(let inner):
            return ["oneOf": [jsonSchema(inner, components: &components), ["type": "null"]]]
        case .oneOf(let options):
            return ["oneOf": .array(options.map { jsonSchema($0, components: &components) })]
        case .named(let name, let inner):
            if components[name] == nil {
                components[name] = .null  // reserve (recursion guard)
                components[name] = jsonSchema(inner, components: &components)
            }
            return ["$ref": .string("#/components/schemas/" + name)]
        }
    }
}

/// Stable names of the application error codes (contract §3), used in documentation.
public enum ApplicationErrorNames {
    /// The `data.code` name of an application error code (`not_found` for -32001, …).
    public static func name(of code: ErrorCode) -> String {
        switch code {
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .conflict: "conflict"
        case .modelInUse: "model_in_use"
        case .modelUnavailable: "model_unavailable"
        case .migrationBlocked: "migration_blocked"
        case .confirmationRequired: "confirmation_required"
        case .stalePlan: "stale_plan"
        case .revertRefused: "revert_refused"
        case .planChanged: "plan_changed"
        case .storeUnavailable: "store_unavailable"
        default: "error \(code.rawValue)"
        }
    }
}

extension String {
    fileprivate var replacingSlashes: String {
        String(map { $0 == "/" || $0 == "$" || $0 == "." ? "_" : $0 })
    }
}
