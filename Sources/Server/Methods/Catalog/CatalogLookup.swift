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
                ])))
        var json: JSONValue { entry?.json ?? .null }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Result {
        Result(entry: call.platform.catalog.lookup(providerType: params.providerType, name: params.name))
    }
}
