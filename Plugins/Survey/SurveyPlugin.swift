import PluginKit

/// Survey summaries for a cluster's questionnaire: answer distributions in scale order, the share
/// of positive answers with Wilson limits, response rates, free-text comments, and the small-n
/// rule (a group with fewer answers than the session's `min_answers`, default 5, is suppressed).
public struct SurveyPlugin: Plugin {
    /// Creates the plugin.
    public init() {}
    /// The name `.plugins` lists.
    public var name: String { "survey" }
    /// What it is for.
    public var summary: String { "Likert distributions, top-2-box shares with Wilson limits, response rates and comments, with the small-n rule." }
    /// Its stages.
    public var stages: [Stage] { [LikertStage.stage, TopBoxStage.stage, CommentsStage.stage] }
}
