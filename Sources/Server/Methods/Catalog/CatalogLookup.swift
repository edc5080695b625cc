import JSONRPC
import Domain

/// `catalog/lookup`: the catalog entry for a model name, or null.
enum CatalogLookup: MethodDeclaration {
    static let name = "catalog/lookup"
    static let access = Access.anyActor
    static let tenantScoped = false
    static let summary = "The catalog entry for a model name (providerType/name first, then name), or null."

    /// The model name, and the provider type to try first.
    struct Params: MethodParams {
        var name: String
        var providerType: String?

        init(from p: inout ParamsReader) throws(ServerError) {
            name = try p.required("name", .name())
            providerType = try p.optional("providerType", .name(max: 100))
        }
    }

    /// The entry found (its JSON is the catalog's own, `CatalogEntry.json`), or null.
    struct Result: MethodResult {
        /// The entry, or nil when the catalog has none for the name.
        var entry: CatalogEntry?
        static let schema = Schema.nullable(
            .named(
                "CatalogEntry",
                .object([
                    .required("key", .string()), .required("provider", .nullable(.string())),
                    .required("mode", .nullable(.string())), .required("deprecationDate", .nullable(.date)),
                    .required("deprecationSource", .nullable(.string())),
                    .required("successorModel", .nullable(.string())),
                    .required("maxInputTokens", .nullable(.integer())),
                    .required("maxOutputTokens", .nullable(.integer())), .required("vision", .nullable(.boolean)),
                    .required("reasoning", .nullable(.boolean)), .required("toolCalling", .nullable(.boolean)),
                    .required(
                        "lifecycle", LifecycleView.schema,
                        "The name's lifecycle with every source's evidence (the providers' exports of providerType first)."
                    ),
                ])))
        /// The name's lifecycle from every source.
        var lifecycle: NormalizedLifecycle?
        var json: JSONValue {
            guard let entry, case .object(var o) = entry.json else { return .null }
            o["lifecycle"] = lifecycle.map(LifecycleView.json) ?? .null
            return .object(o)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Result {
        let p = call.platform
        return Result(
            entry: p.effectiveEntry(providerType: params.providerType, name: params.name),
            lifecycle: p.lifecycle(providerType: params.providerType, name: params.name))
    }
}
