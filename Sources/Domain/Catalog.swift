import JSONRPC

/// One model of the LiteLLM model cost map, in this server's names.
public struct CatalogEntry: Sendable, Equatable {
    /// The key it was found under (after resolving `alias_of`).
    public var key: String
    public var provider: String?
    public var mode: String?
    /// `deprecation_date` as days since the epoch, and as written.
    public var deprecationDay: Int?
    public var deprecationDate: String?
    public var deprecationSource: String?
    public var successorModel: String?
    public var maxInputTokens: Int?
    public var maxOutputTokens: Int?
    public var vision: Bool?
    public var reasoning: Bool?
    public var toolCalling: Bool?

    /// The entry as `catalog/lookup` shows it.
    public var json: JSONValue {
        var o: JSONObject = ["key": .string(key)]
        o["provider"] = .optionalString(provider)
        o["mode"] = .optionalString(mode)
        o["deprecationDate"] = .optionalString(deprecationDate)
        o["deprecationSource"] = .optionalString(deprecationSource)
        o["successorModel"] = .optionalString(successorModel)
        o["maxInputTokens"] = .optionalInt(maxInputTokens)
        o["maxOutputTokens"] = .optionalInt(maxOutputTokens)
        o["vision"] = vision.map { .bool($0) } ?? .null
        o["reasoning"] = reasoning.map { .bool($0) } ?? .null
        o["toolCalling"] = toolCalling.map { .bool($0) } ?? .null
        return .object(o)
    }
}

/// Why a catalog file cannot be used.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// The LiteLLM model cost map (`model_prices_and_context_window.json`), indexed for lookups.
public struct Catalog: Sendable {
    public private(set) var entries: [String: CatalogEntry] = [:]
    /// How many entries carry a deprecation date / a successor.
    public private(set) var deprecatedCount = 0
    public private(set) var successorCount = 0
    /// Model entries (aliases not counted) and `alias_of` keys.
    public private(set) var modelCount = 0
    public private(set) var aliasCount = 0

    public init() {}

    /// Parses a cost map strictly: it must be a JSON object of objects; `sample_spec` and entries
    /// with neither `litellm_provider` nor `mode` are skipped; `alias_of` is resolved (chains
    /// included); a `deprecation_date` that is not `YYYY-MM-DD` is an error naming the entry.
    public init(bytes: [UInt8]) throws(CatalogError) {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes, options: .init(maxDepth: 64, rejectDuplicateKeys: false)) } catch {
            throw CatalogError("not valid JSON: \(error.reason) at byte \(error.offset)")
        }
        guard case .object(let top) = root else {
            throw CatalogError("the top level must be an object of model entries")
        }
        var aliases: [String: String] = [:]
        for m in top.members where m.key != "sample_spec" {
            guard case .object(let e) = m.value else { continue }
            if let target = e["alias_of"]?.stringValue {
                aliases[m.key] = target
                continue
            }
            guard e["litellm_provider"] != nil || e["mode"] != nil else { continue }
            var entry = CatalogEntry(key: m.key)
            entry.provider = e["litellm_provider"]?.stringValue
            entry.mode = e["mode"]?.stringValue
            if let d = e["deprecation_date"] {
                guard let text = d.stringValue, let day = Formats.parseDate(text) else {
                    throw CatalogError("entry \"\(m.key)\": deprecation_date must be a date YYYY-MM-DD")
                }
                entry.deprecationDate = text
                entry.deprecationDay = day
                deprecatedCount += 1
            }
            entry.deprecationSource = e["deprecation_source"]?.stringValue
            entry.successorModel = e["successor_model"]?.stringValue
            if entry.successorModel != nil { successorCount += 1 }
            entry.maxInputTokens = e["max_input_tokens"]?.numberValue?.int64Value.map { Int($0) }
            entry.maxOutputTokens = e["max_output_tokens"]?.numberValue?.int64Value.map { Int($0) }
            entry.vision = e["supports_vision"]?.boolValue
            entry.reasoning = e["supports_reasoning"]?.boolValue
            entry.toolCalling = e["supports_function_calling"]?.boolValue
            entries[m.key] = entry
        }
        modelCount = entries.count
        for (alias, first) in aliases {
            var target = first
            var hops = 0
            while let next = aliases[target], hops < 16 {
                target = next
                hops += 1
            }
            if var e = entries[target] {
                e.key = target
                entries[alias] = e
                aliasCount += 1
            }
        }
    }

    public var count: Int { entries.count }

    /// The entry for a model: `providerType/name` first, then `name`.
    public func lookup(providerType: String?, name: String) -> CatalogEntry? {
        if let p = providerType, let e = entries[p + "/" + name] { return e }
        return entries[name]
    }
}

extension CatalogEntry {
    init(key: String) { self.key = key }
}
