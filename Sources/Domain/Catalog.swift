import JSONRPC

/// One model of the LiteLLM model cost map, in this server's names.
public struct CatalogEntry: Sendable, Equatable {
    /// The key it was found under (after resolving `alias_of`).
    public var key: String
    /// The `litellm_provider` (`openai`, `bedrock`, `azure`, …), or nil when absent.
    public var provider: String?
    /// The `mode` (`chat`, `embedding`, `audio_transcription`, …), or nil when absent.
    public var mode: String?
    /// `deprecation_date` as days since the epoch, and as written; nil when the entry has none.
    public var deprecationDay: Int?
    /// The `deprecation_date` as written (`YYYY-MM-DD`), or nil when the entry has none.
    public var deprecationDate: String?
    /// The `deprecation_source` (a URL of the provider's deprecation notice), or nil when absent.
    public var deprecationSource: String?
    /// The `successor_model`: the catalog name of the model that replaces it, or nil when absent.
    public var successorModel: String?
    /// The `max_input_tokens`, or nil when absent or not an integer.
    public var maxInputTokens: Int?
    /// The `max_output_tokens`, or nil when absent or not an integer.
    public var maxOutputTokens: Int?
    /// The `supports_vision` flag, or nil when absent.
    public var vision: Bool?
    /// The `supports_reasoning` flag, or nil when absent.
    public var reasoning: Bool?
    /// The `supports_function_calling` flag (tool calling), or nil when absent.
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
    /// What is wrong with the file, such as `not valid JSON: … at byte N` or the entry with a bad date.
    public let description: String
    /// Creates an error with the given description.
    public init(_ d: String) { description = d }
}

/// The LiteLLM model cost map (`model_prices_and_context_window.json`), indexed for lookups.
public struct Catalog: Sendable {
    /// Every key that names a model (model entries and resolved `alias_of` keys), mapped to its entry.
    public private(set) var entries: [String: CatalogEntry] = [:]
    /// How many entries carry a deprecation date / a successor.
    public private(set) var deprecatedCount = 0
    /// How many model entries carry a `successor_model`.
    public private(set) var successorCount = 0
    /// Model entries (aliases not counted) and `alias_of` keys.
    public private(set) var modelCount = 0
    /// How many `alias_of` keys resolved to a model entry.
    public private(set) var aliasCount = 0
    /// Model entries left out because a field the lifecycle uses is broken (a `deprecation_date`
    /// that is not `YYYY-MM-DD`, a negative token limit): one bad entry must not stop a server.
    public private(set) var skippedCount = 0
    /// The first skipped entries (at most 20), with why, for `catalog/info` and the start-up log.
    public private(set) var skipped: [(key: String, reason: String)] = []

    /// An empty catalog, used when no catalog file is found: every lookup is nil.
    public init() {}

    /// Parses a cost map: it must be a JSON object of objects (anything else is an error);
    /// `sample_spec` and entries with neither `litellm_provider` nor `mode` are ignored; `alias_of`
    /// is resolved (chains included); an entry with a broken `deprecation_date` (not `YYYY-MM-DD`)
    /// or a negative token limit is skipped and counted (`skippedCount`, `skipped`).
    public init(bytes: [UInt8]) throws(CatalogError) {
        let root: JSONValue
        // Shared strings: every entry repeats the same member names (`input_cost_per_token`, …).
        let options = JSONParser.Options(maxDepth: 64, rejectDuplicateKeys: false, shareStrings: true)
        do { root = try JSONParser.parse(bytes, options: options) } catch {
            throw CatalogError("not valid JSON: \(error.reason) at byte \(error.offset)")
        }
        guard case .object(let top) = root else {
            throw CatalogError("the top level must be an object of model entries")
        }
        var aliases: [String: String] = [:]
        for m in top.members where m.key != "sample_spec" {
            guard case .object(let object) = m.value else { continue }
            let e = EntryMembers(object)
            if let target = e.aliasOf?.stringValue {
                aliases[m.key] = target
                continue
            }
            guard e.provider != nil || e.mode != nil else { continue }
            var entry = CatalogEntry(key: m.key)
            entry.provider = e.provider?.stringValue
            entry.mode = e.mode?.stringValue
            if let d = e.deprecationDate {
                guard let text = d.stringValue, let day = Formats.parseDate(text) else {
                    skip(m.key, "deprecation_date is not a date YYYY-MM-DD")
                    continue
                }
                entry.deprecationDate = text
                entry.deprecationDay = day
            }
            entry.deprecationSource = e.deprecationSource?.stringValue
            entry.successorModel = e.successorModel?.stringValue
            entry.maxInputTokens = e.maxInputTokens?.numberValue?.int64Value.map { Int($0) }
            entry.maxOutputTokens = e.maxOutputTokens?.numberValue?.int64Value.map { Int($0) }
            // The API refuses negative token limits (models/create's minimum is 0): so does the catalog.
            if (entry.maxInputTokens ?? 0) < 0 || (entry.maxOutputTokens ?? 0) < 0 {
                skip(m.key, "a token limit is negative")
                continue
            }
            if entry.deprecationDate != nil { deprecatedCount += 1 }
            if entry.successorModel != nil { successorCount += 1 }
            entry.vision = e.vision?.boolValue
            entry.reasoning = e.reasoning?.boolValue
            entry.toolCalling = e.toolCalling?.boolValue
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

    /// The members of an entry the lifecycle reads, found in one pass over its twenty-odd members
    /// (a lookup by name for each walked them eleven times, a quarter of a server's start-up); a
    /// member named twice counts once, its first time, as a lookup by name found it.
    private struct EntryMembers {
        var aliasOf, provider, mode, deprecationDate, deprecationSource, successorModel: JSONValue?
        var maxInputTokens, maxOutputTokens, vision, reasoning, toolCalling: JSONValue?

        init(_ object: JSONObject) {
            func keep(_ slot: inout JSONValue?, _ value: JSONValue) { if slot == nil { slot = value } }
            for m in object.members {
                let k = m.key
                // By length first: most member names are compared with none of these.
                switch k.utf8.count {
                case 4: if k == "mode" { keep(&mode, m.value) }
                case 8: if k == "alias_of" { keep(&aliasOf, m.value) }
                case 15:
                    if k == "successor_model" {
                        keep(&successorModel, m.value)
                    } else if k == "supports_vision" {
                        keep(&vision, m.value)
                    }
                case 16:
                    if k == "litellm_provider" {
                        keep(&provider, m.value)
                    } else if k == "deprecation_date" {
                        keep(&deprecationDate, m.value)
                    } else if k == "max_input_tokens" {
                        keep(&maxInputTokens, m.value)
                    }
                case 17: if k == "max_output_tokens" { keep(&maxOutputTokens, m.value) }
                case 18:
                    if k == "deprecation_source" {
                        keep(&deprecationSource, m.value)
                    } else if k == "supports_reasoning" {
                        keep(&reasoning, m.value)
                    }
                case 25: if k == "supports_function_calling" { keep(&toolCalling, m.value) }
                default: break
                }
            }
        }
    }

    private mutating func skip(_ key: String, _ reason: String) {
        skippedCount += 1
        if skipped.count < 20 { skipped.append((key, reason)) }
    }

    /// How many keys `entries` holds: model entries plus resolved aliases.
    public var count: Int { entries.count }

    /// The entry for a model: `providerType/name` first, then `name`.
    public func lookup(providerType: String?, name: String) -> CatalogEntry? {
        if let p = providerType, let e = entries[p + "/" + name] { return e }
        return entries[name]
    }
}

extension CatalogEntry {
    /// An entry with only its key (one a provider export describes and LiteLLM's map lacks).
    public init(key: String) { self.key = key }
}
