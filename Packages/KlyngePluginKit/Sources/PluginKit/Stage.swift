import Tabular

/// One parameter of a plugin stage, as it is written after the stage's name.
///
/// `rate X per M N` has a leading value (`X`, no keyword) and a `per` parameter that takes a
/// constant number (`M`) and then an expression (`N`).
public struct Parameter: Sendable {
    /// The word that introduces it (`per`, `of`, `within`, …); nil for the value right after the stage name.
    public let keyword: String?
    /// Whether a constant number follows the keyword (`per 1000`).
    public let takesNumber: Bool
    /// Whether an expression follows (after the number, when there is one).
    public let takesExpression: Bool
    /// Whether the expression after a number may be left out (`of N per 100`).
    public let expressionOptional: Bool
    /// Whether it takes a comma-separated list of expressions (`likert q01, q02, q03`).
    public let takesList: Bool
    /// Whether it takes the name of a dataset (`codebook answers_codes`), passed as a table.
    public let takesDataset: Bool
    /// How the usage line names it, e.g. `M N`.
    public let placeholder: String
    /// The words that may follow the keyword (`method byar`), when it takes one of a fixed set; the
    /// stage gets the word's position among them as the argument's number.
    public private(set) var choices: [String] = []

    /// A keyword followed by one of a fixed set of words, e.g. `method byar|exact`.
    public static func choice(keyword: String, _ choices: [String]) -> Parameter {
        var p = Parameter(keyword: keyword, takesExpression: false, placeholder: choices.joined(separator: "|"))
        p.choices = choices
        return p
    }

    /// Creates a parameter.
    public init(keyword: String?, takesNumber: Bool = false, takesExpression: Bool = true, expressionOptional: Bool = false,
                takesList: Bool = false, takesDataset: Bool = false, placeholder: String) {
        self.keyword = keyword
        self.takesNumber = takesNumber
        self.takesExpression = takesExpression
        self.expressionOptional = expressionOptional
        self.takesList = takesList
        self.takesDataset = takesDataset
        self.placeholder = placeholder
    }

    /// The key arguments are stored under: the keyword, or "" for the leading value.
    public var key: String { keyword ?? "" }
}

/// A pipeline stage from a plugin: its signature, documentation, output schema and implementation.
public struct Stage: Sendable {
    /// The word users type after `|`.
    public let name: String
    /// How to write it, e.g. `rate X per M N`.
    public let usage: String
    /// One sentence on what it adds.
    public let summary: String
    /// A statement that runs on the demo data (a test runs every example).
    public let example: String
    /// The parameters it accepts, in the order they are usually written.
    public let parameters: [Parameter]
    /// Checks the arguments before anything runs and says which columns the stage produces.
    public let outputs: @Sendable (_ input: [Field], _ arguments: ArgumentShapes) throws(StageError) -> [Field]
    /// Runs the stage.
    public let run: @Sendable (_ input: Table, _ arguments: Arguments) throws(StageError) -> Table
    /// The plugin it came from (set by the registry), named in errors about the stage's results.
    public internal(set) var plugin: String = ""

    /// Creates a stage.
    public init(name: String, usage: String, summary: String, example: String, parameters: [Parameter],
                outputs: @escaping @Sendable (_ input: [Field], _ arguments: ArgumentShapes) throws(StageError) -> [Field],
                run: @escaping @Sendable (_ input: Table, _ arguments: Arguments) throws(StageError) -> Table) {
        self.name = name
        self.usage = usage
        self.summary = summary
        self.example = example
        self.parameters = parameters
        self.outputs = outputs
        self.run = run
    }

    /// The methods and their references, one line each ("limits gamma: Fay and Feuer, Stat Med
    /// 1997;16:791"), which `help STAGE` lists.
    public private(set) var references: [String] = []

    /// The stage with the references `help STAGE` lists for its methods and options.
    public func citing(_ references: String...) -> Stage {
        var copy = self
        copy.references = references
        return copy
    }

    /// The parameter introduced by a keyword.
    public func parameter(_ keyword: String) -> Parameter? { parameters.first { $0.keyword == keyword } }

    /// How the stage splits when its input lives in a database, for the arguments given (nil: it
    /// cannot be split, and runs on every input row fetched from the database, with a warning).
    public private(set) var split: (@Sendable (_ arguments: ArgumentShapes) -> StageSplit?)? = nil

    /// The stage with a split: what a database must compute for it, so that only that comes back.
    public func splitting(_ split: @escaping @Sendable (_ arguments: ArgumentShapes) -> StageSplit?) -> Stage {
        var copy = self
        copy.split = split
        return copy
    }
}

/// What a database computes for a plugin stage whose input lives there; klynge then runs the
/// stage itself (statistics, limits, flags) on what comes back, with the same code as in memory.
public enum StageSplit: Sendable, Equatable {
    /// The stage reads each input row as it is (a rate per practice, a funnel): the database
    /// computes the input rows (counts and denominators per unit) and the stage finishes them.
    case rows
    /// The stage reads its input only through the arguments under `keys` (grouping values) and
    /// `sums` (numbers it adds up per group), and its output has none of the input's columns:
    /// the database groups by the keys and sums the sums, and the stage runs on one row per
    /// group. Nulls, negatives and zeros are summed apart from positive values, so the stage
    /// still sees "no count", a negative count or a zero denominator and says so. Argument keys only.
    case sums(keys: [String], sums: [String])
}

/// What is known of the arguments before running: which were given, their types and constants.
public struct ArgumentShapes: Sendable {
    /// The type of each expression argument, by key.
    public var types: [String: DataType]
    /// The constant numbers, by key.
    public var numbers: [String: Double]
    /// Each expression as typed, by key (a plain column reference is its name).
    public var labels: [String: String]
    /// The types of each list argument's expressions, by key.
    public var listTypes: [String: [DataType]]
    /// Each list argument's expressions as typed, by key.
    public var listLabels: [String: [String]]
    /// The schema of each dataset argument, by key.
    public var datasets: [String: Schema]
    /// Creates argument shapes.
    public init(types: [String: DataType], numbers: [String: Double], labels: [String: String] = [:],
                listTypes: [String: [DataType]] = [:], listLabels: [String: [String]] = [:], datasets: [String: Schema] = [:]) {
        self.types = types
        self.numbers = numbers
        self.labels = labels
        self.listTypes = listTypes
        self.listLabels = listLabels
        self.datasets = datasets
    }
    /// Whether an expression, list, dataset or number was given under the key.
    public func has(_ key: String) -> Bool { types[key] != nil || numbers[key] != nil || listTypes[key] != nil || datasets[key] != nil }
}

/// The arguments a stage runs with: expressions evaluated to columns, constants, and labels.
public struct Arguments: Sendable {
    /// Each expression argument as a column of the input's length, by key.
    public var columns: [String: Column]
    /// The constant numbers, by key.
    public var numbers: [String: Double]
    /// Each expression as typed, by key (for labels such as "per 1000 listed_patients").
    public var labels: [String: String]
    /// Each list argument evaluated to columns, by key.
    public var lists: [String: [Column]]
    /// Each list argument's expressions as typed, by key.
    public var listLabels: [String: [String]]
    /// The session's settings that stages may follow (e.g. `min_answers`), by name.
    public var settings: [String: String]
    /// The dataset arguments as tables, by key.
    public var tables: [String: Table] = [:]
    /// Creates arguments.
    public init(columns: [String: Column], numbers: [String: Double], labels: [String: String],
                lists: [String: [Column]] = [:], listLabels: [String: [String]] = [:], settings: [String: String] = [:]) {
        self.columns = columns
        self.numbers = numbers
        self.labels = labels
        self.lists = lists
        self.listLabels = listLabels
        self.settings = settings
    }
}

/// Why a stage cannot run with these arguments or this data; the shell shows it at the argument.
public struct StageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The key of the argument at fault, if one is.
    public var argument: String?
    /// What to do about it.
    public var suggestion: String?
    /// Creates a stage error.
    public init(_ message: String, argument: String? = nil, suggestion: String? = nil) {
        self.message = message
        self.argument = argument
        self.suggestion = suggestion
    }
    /// The message.
    public var description: String { message }
}
