import PluginKit
import Tabular

/// The confidence levels a stage reports limits at: `confidence 90` or `confidence 90, 99.8` (any
/// level strictly between 0 and 100), 95 and 99.8 by default. Each level names its columns by its
/// digits: 95 → `lower95`, 99.8 → `lower998`, 90 → `lower90`.
struct ConfidenceLevels: Sendable {
    /// The levels in percent, in the order given.
    let percents: [Double]

    /// The default: 95 % and 99.8 %, as PHE's funnels and Fingertips use.
    static let standard = ConfidenceLevels(percents: [95, 99.8])

    /// The parameter every stage with limits takes.
    static let parameter = Parameter(keyword: "confidence", takesList: true, placeholder: "LEVEL, …")

    /// The levels as fractions (0.95, 0.998).
    var fractions: [Double] { percents.map { $0 / 100 } }

    /// The first level, by which a stage compares (vs_group, vs_overall).
    var primary: Double { fractions[0] }

    /// A level's column suffix: its digits without the point (99.8 → "998").
    func suffix(_ i: Int) -> String { NumberFormat.plain(percents[i]).replacingOccurrences(of: ".", with: "") }

    /// `lower95`, `upper95`, `lower998`, … in level order (lower then upper per level).
    func names(prefix: String = "") -> [String] {
        percents.indices.flatMap { ["\(prefix)lower\(suffix($0))", "\(prefix)upper\(suffix($0))"] }
    }

    /// The levels the stage was given (plan time: the list's labels are the numbers as typed).
    static func from(_ labels: [String]?) throws(StageError) -> ConfidenceLevels {
        guard let labels else { return standard }
        var percents: [Double] = []
        for label in labels {
            guard let p = Double(label) else {
                throw StageError("confidence takes levels in percent such as 90 or 99.8, not '\(label)'", argument: "confidence")
            }
            guard p > 0, p < 100 else {
                throw StageError("a confidence level is between 0 and 100 (exclusive), not \(label)", argument: "confidence",
                                 suggestion: "e.g. confidence 90 or confidence 95, 99.8")
            }
            guard !percents.contains(p) else { throw StageError("the confidence level \(label) is given twice", argument: "confidence") }
            percents.append(p)
        }
        return ConfidenceLevels(percents: percents)
    }

    /// The levels in a stage's argument shapes (at planning).
    static func from(_ shapes: ArgumentShapes) throws(StageError) -> ConfidenceLevels { try from(shapes.listLabels["confidence"]) }

    /// The levels in a stage's arguments (when it runs).
    static func from(_ arguments: Arguments) throws(StageError) -> ConfidenceLevels { try from(arguments.listLabels["confidence"]) }

    /// The limit fields, two per level, with a role.
    func fields(prefix: String = "", role: Role = .limit) -> [Field] { names(prefix: prefix).map { Field($0, .decimal, role: role) } }
}
