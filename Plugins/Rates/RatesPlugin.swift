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
    public var stages: [Stage] {
        let levels = "confidence L, …: limits at any level in (0, 100), columns named by its digits (90 → lower90); default 95 and 99.8"
        // In a database, these read one row per unit (counts and denominators the engine sums):
        // only those rows come back, and the statistics are computed here.
        let perUnit: @Sendable (ArgumentShapes) -> StageSplit? = { _ in .rows }
        return [
            RateStage.stage.citing(
                "exact limits below 10 events (chi-squared quantiles), Byar's from 10: PHEindicatormethods phe_rate (Breslow & Day 1987)",
                "method byar|exact: one of the two for every count", levels).splitting(perUnit),
            ProportionStage.stage.citing("Wilson score limits: PHEindicatormethods phe_proportion (Wilson 1927; Newcombe 1998)", levels).splitting(perUnit),
            CompareStage.stage.citing(
                "higher/similar/lower by the unit's interval against the pooled (or given) benchmark: PHE Fingertips' comparison",
                "limits as rate, proportion (method byar|exact for rates)", levels + "; the first level decides vs_group and vs_overall").splitting(perUnit),
            FunnelStage.stage.citing(
                "default: exact Poisson limits and significance by the unit's exact/Byar interval (rates, ratios), Wilson-score limits (proportions): PHEindicatormethods phe_funnel / phe_funnel_significance",
                "adjusted, shmi: overdispersion by τ² from 10% winsorised (CQC) or truncated (SHMI) z-scores: FunnelPlotR (Spiegelhalter, Stat Med 2005;24:1185)",
                "limits normal|binomial (proportions): funnelR's normal approximation and binomial quantiles",
                "limits spiegelhalter: interpolated binomial and Poisson limits, Spiegelhalter, Stat Med 2005;24:1185, appendix",
                "X over N: FunnelPlotR's ratio of counts (RC) on the log scale, with adjusted for overdispersion",
                "target T: a fixed target instead of the pooled one (1·M for ratios by default)", levels).splitting(perUnit),
            VariationStage.stage.citing(
                "scv: Diehr's (default) or McPherson's systematic component of variation; eq, eq_eb: extremal quotient, empirical Bayes (Poisson-gamma); phi, tau2: FunnelPlotR's dispersion").splitting(perUnit),
            StandardizeStage.stage.citing(
                "direct: DSR with Dobson limits, not below 10 events: PHEindicatormethods phe_dsr (Dobson et al., Stat Med 1991;10:457); ESP 2013 weights",
                "frequency F: events that are not independent, PHE's phe_dsr(independent_events = FALSE)",
                "limits gamma: Fay and Feuer's gamma limits (Stat Med 1997;16:791), as sava and the US NCI's SEER*Stat",
                "indirect: O/E·M with exact/Byar limits: PHEindicatormethods phe_isr", levels).splitting(StandardizeStage.split),
            FollowUpStage.stage.citing(
                "exact conditional test of two Poisson counts (Breslow & Day 1987); Fisher's exact test for proportions",
                "confidence L, …: the periods' limits at any level; default 95").splitting(perUnit),
            MeanStage.stage.citing("Student's t limits: PHEindicatormethods phe_mean", levels),
        ]
    }
}
