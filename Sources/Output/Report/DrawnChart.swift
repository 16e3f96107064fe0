import Foundation
import Tabular

/// A chart drawn into a report: its SVG and file, and what it was drawn from (the spec and the
/// table after disclosure control) so a deck can draw it again as a native chart.
public struct DrawnChart: Sendable {
    /// The SVG document.
    public var svg: String
    /// The file it is kept in, relative to the report's folder (or absolute).
    public var path: String
    /// What it draws, with what the data says about itself.
    public var spec: ChartSpec
    /// The data, under disclosure control.
    public var table: Table
    /// The notes under it: disclosure control and the source.
    public var notes: [String]

    /// Creates a drawn chart.
    public init(svg: String, path: String, spec: ChartSpec, table: Table, notes: [String]) {
        (self.svg, self.path, self.spec, self.table, self.notes) = (svg, path, spec, table, notes)
    }
}
