/// Parsing and formatting of the wire's string formats (UUIDs, dates, timestamps). Pure.
public enum Formats {
    /// True for `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with lowercase hex digits.
    public static func isLowercaseUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (k, c) in u.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) {
                return false
            }
        }
        return true
    }

    /// Days since 1970-01-01 for a valid `YYYY-MM-DD`, else nil.
    public static func parseDate(_ s: String) -> Int? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            let y = digits(u, 0, 4), let m = digits(u, 5, 2), let d = digits(u, 8, 2),
            (1...12).contains(m), d >= 1, d <= daysInMonth(y, m)
        else { return nil }
        return daysFromCivil(y, m, d)
    }

    /// Milliseconds since the epoch for `YYYY-MM-DDTHH:MM:SS[.fff…]Z`, else nil.
    public static func parseTimestamp(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        guard u.count >= 20, u.last == UInt8(ascii: "Z"), u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"),
            u[16] == UInt8(ascii: ":"),
            let day = parseDate(String(decoding: u[0..<10], as: UTF8.self)),
            let hh = digits(u, 11, 2), let mm = digits(u, 14, 2), let ss = digits(u, 17, 2),
            hh < 24, mm < 60, ss < 60
        else { return nil }
        var millis = 0
        if u.count > 20 {
            guard u[19] == UInt8(ascii: "."), u.count - 21 >= 1, u.count - 21 <= 9,
                let frac = digits(u, 20, u.count - 21)
            else { return nil }
            var f = frac
            var len = u.count - 21
            while len > 3 {
                f /= 10
                len -= 1
            }
            while len < 3 {
                f *= 10
                len += 1
            }
            millis = f
        } else if u[19] != UInt8(ascii: "Z") {
            return nil
        }
        return (Int64(day) * 86_400 + Int64(hh * 3600 + mm * 60 + ss)) * 1000 + Int64(millis)
    }

    /// Milliseconds since the epoch of an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, an optional
    /// fraction, then `Z` or an offset `±HH:MM` (`T` and `Z` in either case); nil for anything else.
    public static func parseRFC3339(_ s: String) -> Int64? {
        var u = Array(s.utf8).map { $0 == UInt8(ascii: "t") ? UInt8(ascii: "T") : $0 }
        if u.last == UInt8(ascii: "z") { u[u.count - 1] = UInt8(ascii: "Z") }
        var offsetMinutes = 0
        if u.count >= 25, u[u.count - 3] == UInt8(ascii: ":"),
            u[u.count - 6] == UInt8(ascii: "+") || u[u.count - 6] == UInt8(ascii: "-")
        {
            guard let oh = digits(u, u.count - 5, 2), let om = digits(u, u.count - 2, 2), oh < 24, om < 60 else {
                return nil
            }
            offsetMinutes = (oh * 60 + om) * (u[u.count - 6] == UInt8(ascii: "-") ? -1 : 1)
            u = Array(u[0..<(u.count - 6)]) + [UInt8(ascii: "Z")]
        }
        guard let utc = parseTimestamp(String(decoding: u, as: UTF8.self)) else { return nil }
        return utc - Int64(offsetMinutes) * 60_000
    }

    /// `YYYY-MM-DD` for days since the epoch.
    public static func formatDate(_ days: Int) -> String {
        let (y, m, d) = civilFromDays(days)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the epoch.
    public static func formatTimestamp(_ millis: Int64) -> String {
        let secs = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = Int(millis - secs * 1000)
        let days = Int(secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400)
        let rem = Int(secs - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        guard (0...9999).contains(y) else {
            return formatDate(days) + "T" + pad(rem / 3600, 2) + ":" + pad(rem / 60 % 60, 2) + ":"
                + pad(rem % 60, 2) + "." + pad(ms, 3) + "Z"
        }
        // Every record and view carries timestamps: written digit by digit, without intermediate strings.
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ v: Int, _ width: Int, at start: Int) {
                var v = v
                for k in stride(from: start + width - 1, through: start, by: -1) {
                    out[k] = UInt8(0x30 + v % 10)
                    v /= 10
                }
            }
            put(y, 4, at: 0)
            out[4] = 0x2D
            put(m, 2, at: 5)
            out[7] = 0x2D
            put(d, 2, at: 8)
            out[10] = 0x54
            put(rem / 3600, 2, at: 11)
            out[13] = 0x3A
            put(rem / 60 % 60, 2, at: 14)
            out[16] = 0x3A
            put(rem % 60, 2, at: 17)
            out[19] = 0x2E
            put(ms, 3, at: 20)
            out[23] = 0x5A
            return 24
        }
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func digits(_ u: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var v = 0
        for k in start..<(start + count) {
            let c = u[k]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    private static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    // Howard Hinnant's civil date algorithms.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The `updatedAt` of a change: now, but always after the previous value, so that two
    /// changes within one millisecond still differ (reverts detect "changed since" by it).
    public static func nextUpdate(after previous: Int64, now: Int64) -> Int64 { max(now, previous + 1) }
}
