/// The type of a column or an expression: what a value can be, apart from null.
public enum DataType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Whole numbers (64-bit), e.g. counts and list sizes.
    case integer
    /// Real numbers (64-bit floating point), e.g. fees and rates.
    case decimal
    /// Text, stored with a dictionary so repeated values cost one integer each.
    case text
    /// Calendar dates without a time of day.
    case date
    /// `true` or `false`.
    case boolean

    /// The name users write in `types (col: NAME)` and see in `.schema`.
    public var description: String { rawValue }

    /// Whether values of this type take part in arithmetic.
    public var isNumeric: Bool { self == .integer || self == .decimal }

    /// Parses a type name as users write it, accepting common synonyms.
    public init?(userName: String) {
        switch userName.lowercased() {
        case "integer", "int", "heltal": self = .integer
        case "decimal", "double", "number", "numeric", "float", "real": self = .decimal
        case "text", "string", "varchar", "tekst": self = .text
        case "date", "dato": self = .date
        case "boolean", "bool", "logical": self = .boolean
        default: return nil
        }
    }
}
