/// The date and window that every deprecated/retiring decision of a process uses.
public struct LifecycleCalendar: Sendable, Equatable {
    /// Today as days since the epoch.
    public var today: Int
    /// How many days ahead a deprecation date makes a model retiring.
    public var retiringWindowDays: Int
    /// A calendar for `today` (days since the epoch).
    public init(today: Int, retiringWindowDays: Int = 90) {
        self.today = today
        self.retiringWindowDays = retiringWindowDays
    }
}

/// A model's effective lifecycle status; the first that holds, in this order.
public enum ModelStatus: String, Sendable, CaseIterable {
    case deleted, migrated, deprecated, disabled, retiring, active
}

/// The lifecycle rules of contract §4 as pure functions.
public enum LifecycleRules {
    /// Manual flag OR catalog deprecation date on or before today.
    public static func isDeprecated(manual: Bool, deprecationDay: Int?, calendar: LifecycleCalendar) -> Bool {
        if manual { return true }
        guard let d = deprecationDay else { return false }
        return d <= calendar.today
    }

    /// today < deprecation date <= today + window.
    public static func isRetiring(deprecationDay: Int?, calendar: LifecycleCalendar) -> Bool {
        guard let d = deprecationDay else { return false }
        return calendar.today < d && d <= calendar.today + calendar.retiringWindowDays
    }

    /// The first status of `ModelStatus`'s order that holds for `m`.
    public static func status(of m: Model, deprecationDay: Int?, calendar: LifecycleCalendar) -> ModelStatus {
        if m.deletedAt != nil { return .deleted }
        if m.migratedToModelId != nil { return .migrated }
        if isDeprecated(manual: m.manualDeprecated, deprecationDay: deprecationDay, calendar: calendar) {
            return .deprecated
        }
        if !m.isEnabled { return .disabled }
        if isRetiring(deprecationDay: deprecationDay, calendar: calendar) { return .retiring }
        return .active
    }

    /// Enabled AND not deprecated AND not migrated AND not deleted.
    public static func canAccess(_ m: Model, deprecationDay: Int?, calendar: LifecycleCalendar) -> Bool {
        m.isEnabled && m.migratedToModelId == nil && m.deletedAt == nil
            && !isDeprecated(manual: m.manualDeprecated, deprecationDay: deprecationDay, calendar: calendar)
    }

    /// Why a space does not accept a model, or nil when it does.
    ///
    /// The model must be accessible; when the tenant has security enabled and the space is
    /// classified, the model's level must be at least the space's (an unclassified model fails).
    public static func spaceRefusal(
        canAccess: Bool, securityEnabled: Bool, spaceLevel: Int?, modelLevel: Int?
    ) -> String? {
        if !canAccess { return "model_not_accessible" }
        if securityEnabled, let required = spaceLevel {
            guard let level = modelLevel else { return "model_unclassified" }
            if level < required { return "classification_too_low" }
        }
        return nil
    }
}
