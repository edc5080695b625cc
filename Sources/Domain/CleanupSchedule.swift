/// When a serving process runs the cleanup by itself (contract §6): weekly, daily, or never.
///
/// Text form (the `--cleanup-schedule` value and what `lifecycle/status` reports):
/// `weekly sun 04:00` (the default), `daily 02:30`, `off`. Times are UTC.
public enum CleanupSchedule: Sendable, Equatable, CustomStringConvertible {
    case off
    case daily(minuteOfDay: Int)
    /// `weekday` 0 = Sunday … 6 = Saturday.
    case weekly(weekday: Int, minuteOfDay: Int)

    /// Sundays at 04:00 UTC.
    public static let `default` = CleanupSchedule.weekly(weekday: 0, minuteOfDay: 4 * 60)
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses the text form; nil when it is not one.
    public init?(_ text: String) {
        let words = text.lowercased().split(separator: " ").map(String.init)
        func minute(_ s: String) -> Int? {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
            else { return nil }
            return h * 60 + m
        }
        switch words.first {
        case "off" where words.count == 1: self = .off
        case "daily" where words.count == 2:
            guard let m = minute(words[1]) else { return nil }
            self = .daily(minuteOfDay: m)
        case "weekly" where words.count == 3:
            guard let d = Self.dayNames.firstIndex(of: words[1]) ?? Self.fullNames.firstIndex(of: words[1]),
                let m = minute(words[2])
            else { return nil }
            self = .weekly(weekday: d, minuteOfDay: m)
        default: return nil
        }
    }

    static let fullNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// As `--cleanup-schedule` takes it (`weekly sun 04:00`, `daily 02:30`, `off`).
    public var description: String {
        func hhmm(_ m: Int) -> String {
            let h = m / 60
            let mm = m % 60
            return (h < 10 ? "0" : "") + String(h) + ":" + (mm < 10 ? "0" : "") + String(mm)
        }
        switch self {
        case .off: return "off"
        case .daily(let m): return "daily " + hhmm(m)
        case .weekly(let d, let m): return "weekly " + Self.dayNames[d] + " " + hhmm(m)
        }
    }

    /// The first scheduled instant strictly after `t` (epoch milliseconds, UTC); nil when off.
    public func next(after t: Millis) -> Millis? {
        let dayMs: Millis = 86_400_000
        let day = t >= 0 ? t / dayMs : (t - dayMs + 1) / dayMs
        switch self {
        case .off:
            return nil
        case .daily(let m):
            let today = day * dayMs + Millis(m) * 60_000
            return today > t ? today : today + dayMs
        case .weekly(let weekday, let m):
            // 1970-01-01 was a Thursday (weekday 4).
            for offset in 0...7 {
                let d = day + Millis(offset)
                guard Int((d + 4) % 7) == weekday else { continue }
                let at = d * dayMs + Millis(m) * 60_000
                if at > t { return at }
            }
            return nil
        }
    }

    /// Whether a run is due at `now`, given the last run (or the store's creation when none ran).
    public func isDue(now: Millis, lastRunAt: Millis?, storeCreatedAt: Millis) -> Bool {
        guard let next = next(after: lastRunAt ?? storeCreatedAt) else { return false }
        return next <= now
    }
}
