import JSONRPC
import Domain

extension ModelFacts {
    /// The lifecycle facts of `m` in `state` for planning, under the platform's catalog and
    /// calendar.
    init(_ m: Model, _ state: PlatformState, _ platform: Platform) {
        let life = Views.lifecycle(m, state, platform)
        let retiring = LifecycleRules.isRetiring(
            deprecationDay: life.entry?.deprecationDay, calendar: platform.calendar)
        self.init(
            model: m, isDeprecated: life.isDeprecated, isRetiring: retiring,
            deprecationDate: life.entry?.deprecationDate,
            classificationLevel: m.securityClassificationId.flatMap { state.classification($0)?.level },
            providerType: state.provider(m.providerId)?.providerType)
    }
}
