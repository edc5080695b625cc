import JSONRPC
import Domain

/// `catalog/*` (process-wide: no tenant).
enum CatalogMethods {
    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "catalog/info", .anyActor, tenantScoped: false,
                summary: "Which catalog this process uses, and the date and window of its lifecycle decisions.",
                result: .object([
                    .required("path", .nullable(.string())),
                    .required("source", .enumeration(["flag", "environment", "litellm-package", "none"])),
                    .required("entries", .integer(), "Model entries (aliases not counted)."),
                    .required("aliases", .integer()), .required("withDeprecationDate", .integer()),
                    .required("withSuccessor", .integer()), .required("loadedAt", .timestamp),
                    .required("today", .date), .required("retiringWindowDays", .integer()),
                ])
            ) { call throws(ServerError) in
                let p = call.platform
                return [
                    "path": .optionalString(p.catalogSource.path), "source": .string(p.catalogSource.origin),
                    "entries": .int(p.catalog.modelCount), "aliases": .int(p.catalog.aliasCount),
                    "withDeprecationDate": .int(p.catalog.deprecatedCount),
                    "withSuccessor": .int(p.catalog.successorCount), "loadedAt": Views.time(p.catalogLoadedAt),
                    "today": .string(Formats.formatDate(p.calendar.today)),
                    "retiringWindowDays": .int(p.calendar.retiringWindowDays),
                ]
            },
            DomainMethod(
                "catalog/lookup", .anyActor, tenantScoped: false,
                summary: "The catalog entry for a model name (providerType/name first, then name), or null.",
                params: [.required("name", .name()), .optional("providerType", .name(max: 100))],
                result: .nullable(
                    .named(
                        "CatalogEntry",
                        .object([
                            .required("key", .string()), .required("provider", .nullable(.string())),
                            .required("mode", .nullable(.string())),
                            .required("deprecationDate", .nullable(.date)),
                            .required("deprecationSource", .nullable(.string())),
                            .required("successorModel", .nullable(.string())),
                            .required("maxInputTokens", .nullable(.integer())),
                            .required("maxOutputTokens", .nullable(.integer())),
                            .required("vision", .nullable(.boolean)),
                            .required("reasoning", .nullable(.boolean)), .required("toolCalling", .nullable(.boolean)),
                        ])))
            ) { call throws(ServerError) in
                call.platform.catalog.lookup(
                    providerType: call.params.optionalString("providerType"), name: try call.params.string("name"))?
                    .json ?? .null
            },
            DomainMethod(
                "catalog/reload", .admin, tenantScoped: false,
                summary: "Reloads this process's catalog file; on failure the previous catalog stays in use (-32803).",
                result: .object([.required("entries", .integer()), .required("loadedAt", .timestamp)])
            ) { call throws(ServerError) in
                try call.platform.reloadCatalog()
                // Dates may have moved: an admin hears again about retiring and deprecated models in use.
                if let notice = LifecycleNotice.params(for: call.context.session, platform: call.platform) {
                    call.context.notify(LifecycleNotice.method, notice)
                }
                return [
                    "entries": .int(call.platform.catalog.modelCount),
                    "loadedAt": Views.time(call.platform.catalogLoadedAt),
                ]
            },
        ]
    }
}
