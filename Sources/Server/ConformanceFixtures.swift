import Foundation
import JSONRPC

/// The test methods of `../shared/conformance/README.md`, registered only with
/// `--conformance-fixtures`, plus two helpers that end-to-end tests use to exercise large
/// messages, progress and cancellation through the real binary.
public enum ConformanceFixtures {
    /// Registers the fixture methods in `table`.
    public static func register(in table: inout MethodTable) {
        table.register(
            MethodSpec(
                "subtract", summary: "Fixture: minuend - subtrahend, by position [a, b] or by name.",
                params: .unchecked, result: .number)
        ) { ctx throws(ServerError) in
            let a: JSONNumber
            let b: JSONNumber
            switch ctx.params.raw {
            case .array(let items)?:
                guard items.count == 2 else { throw .invalidParams("", "subtract takes exactly two numbers") }
                guard case .number(let x) = items[0] else { throw .invalidParams("/0", "must be a number") }
                guard case .number(let y) = items[1] else { throw .invalidParams("/1", "must be a number") }
                a = x
                b = y
            case .object(let o)?:
                if let extra = o.keys.first(where: { $0 != "minuend" && $0 != "subtrahend" }) {
                    throw .invalidParams("/" + extra, "unknown member")
                }
                guard case .number(let x)? = o["minuend"] else { throw .invalidParams("/minuend", "must be a number") }
                guard case .number(let y)? = o["subtrahend"] else {
                    throw .invalidParams("/subtrahend", "must be a number")
                }
                a = x
                b = y
            default:
                throw .invalidParams("", "subtract takes [minuend, subtrahend] or {minuend, subtrahend}")
            }
            return arithmetic(a, b, -)
        }
        table.register(
            MethodSpec(
                "sum", summary: "Fixture: the total of an array of numbers.", params: .unchecked,
                result: .number)
        ) { ctx throws(ServerError) in
            guard case .array(let items)? = ctx.params.raw else {
                throw .invalidParams("", "sum takes an array of numbers")
            }
            var total = JSONValue.int(0)
            for (k, item) in items.enumerated() {
                guard case .number(let n) = item, case .number(let t) = total else {
                    throw .invalidParams("/\(k)", "must be a number")
                }
                total = arithmetic(t, n, +)
            }
            return total
        }
        table.register(
            MethodSpec(
                "get_data", summary: "Fixture: returns [\"hello\", 5].", params: .unchecked,
                result: .array(.any))
        ) { _ throws(ServerError) in ["hello", 5] }
        for name in ["update", "notify_hello", "notify_sum"] {
            table.register(
                MethodSpec(
                    name, kind: .notification, summary: "Fixture: a notification with no effect.",
                    params: .unchecked)
            ) { _ throws(ServerError) in .null }
        }
        table.register(
            MethodSpec(
                "fixtures/echo", summary: "Test helper: returns its params unchanged.", params: .unchecked,
                result: .any)
        ) { ctx throws(ServerError) in ctx.params.raw ?? .null }
        table.register(
            MethodSpec(
                "fixtures/work",
                summary: "Test helper: works for steps × stepMillis, reporting progress and honouring cancel.",
                params: .named([
                    .required("steps", .integer(min: 1, max: 100_000)),
                    .optional("stepMillis", .integer(min: 0, max: 10_000)),
                    .optional("workDoneToken", .oneOf([.string(), .integer()])),
                ]),
                result: .object([.required("steps", .integer())]), mayBlock: true)
        ) { ctx throws(ServerError) in
            let steps = try ctx.params.int("steps")
            let millis = ctx.params.optionalInt("stepMillis") ?? 0
            ctx.progress.begin(title: "Working")
            for k in 0..<steps {
                if ctx.cancellation.isCancelled {
                    ctx.progress.end(message: "cancelled")
                    throw .cancelled
                }
                if millis > 0 { usleep(UInt32(millis) * 1000) }
                ctx.progress.report(percentage: (k + 1) * 100 / steps)
            }
            ctx.progress.end()
            return ["steps": .int(steps)]
        }
    }

    private static func arithmetic(_ a: JSONNumber, _ b: JSONNumber, _ op: (Double, Double) -> Double) -> JSONValue {
        if let x = a.int64Value, let y = b.int64Value, !a.text.contains("."), !b.text.contains(".") {
            let r = op(Double(x), Double(y))
            if abs(r) < 9e15 { return .int(Int(r)) }
        }
        return .number(JSONNumber(op(a.doubleValue, b.doubleValue)))
    }
}
