import Tabular

/// Where the query layer finds "did you mean" candidates (the algorithm lives in `Tabular.Suggest`).
public enum Suggestions {
    /// The closest candidate to a misspelt name, or nil.
    public static func nearest(_ name: String, in candidates: [String]) -> String? {
        Suggest.nearest(name, in: candidates)
    }
}
