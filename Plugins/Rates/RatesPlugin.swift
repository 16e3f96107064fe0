import PluginKit

/// Rates per M with confidence limits, proportions with Wilson limits, and comparison with a
/// group's and the overall pooled value: the figures a cluster meeting looks at.
///
/// Methods follow PHEindicatormethods (`phe_rate`, `phe_proportion`) and Fingertips' comparison
/// rule; see `Measure` for the arithmetic and the edge cases.
public struct RatesPlugin: Plugin {
    /// Creates the plugin.
    public init() {}
    /// The name `.plugins` lists.
    public var name: String { "rates" }
    /// What it is for.
    public var summary: String { "Rates, proportions, ratios and means with limits at any confidence level, compared with the cluster and the region; funnels, variation, standardisation, follow-up." }
    /// Its stages.
    public var stages: [Stage] { [RateStage.stage, ProportionStage.stage, CompareStage.stage, FunnelStage.stage, VariationStage.stage, StandardizeStage.stage, FollowUpStage.stage, MeanStage.stage] }
}
