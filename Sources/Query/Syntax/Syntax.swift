/// A name as typed, with where it was typed.
public struct Name: Sendable, CustomStringConvertible {
    /// The name.
    public var text: String
    /// Where it was typed.
    public var range: SourceRange
    /// Creates a name.
    public init(_ text: String, _ range: SourceRange) {
        self.text = text
        self.range = range
    }
    /// The name.
    public var description: String { text }
}

/// An expression as typed.
public struct Expr: Sendable {
    /// The shape of the expression.
    public indirect enum Kind: Sendable {
        /// A number, text, date or boolean literal (`null` too).
        case literal(LiteralValue)
        /// A column reference.
        case column(String)
        /// A function or aggregate call; `count(*)` has no arguments.
        case call(Name, [Expr])
        /// `-x` or `not x`.
        case unary(String, Expr)
        /// `a + b`, `a == b`, `a and b`, …
        case binary(String, Expr, Expr)
        /// `x [not] in (a, b, …)`.
        case inList(Expr, [Expr], negated: Bool)
        /// `x [not] between a and b`.
        case between(Expr, Expr, Expr, negated: Bool)
        /// `x is [not] null`.
        case isNull(Expr, negated: Bool)
    }

    /// The shape.
    public var kind: Kind
    /// Where it was typed.
    public var range: SourceRange

    /// Creates an expression.
    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// A literal as written (typed later by the planner).
public enum LiteralValue: Sendable {
    /// A whole number.
    case integer(Int64)
    /// A number with a fraction.
    case decimal(Double)
    /// Quoted text.
    case text(String)
    /// `@2023-01-31`, as days since 1970-01-01.
    case date(Int32)
    /// `true` or `false`.
    case boolean(Bool)
    /// `null`.
    case null
}

/// `NAME = EXPR`, or a bare expression whose name is derived (a column keeps its name).
public struct Assignment: Sendable {
    /// The new column's name, when given.
    public var name: Name?
    /// The value.
    public var expr: Expr
    /// Creates an assignment.
    public init(name: Name?, expr: Expr) {
        self.name = name
        self.expr = expr
    }
}

/// A sort key: an expression and its direction.
public struct SortKey: Sendable {
    /// What to sort by.
    public var expr: Expr
    /// Whether largest comes first.
    public var descending: Bool
    /// Creates a sort key.
    public init(expr: Expr, descending: Bool) {
        self.expr = expr
        self.descending = descending
    }
}

/// One stage of a pipeline, as typed.
public struct StageSyntax: Sendable {
    /// What the stage does.
    public enum Kind: Sendable {
        /// `where EXPR`.
        case `where`(Expr)
        /// `select COL, NEW = EXPR, …`.
        case select([Assignment])
        /// `derive NEW = EXPR, …`.
        case derive([Assignment])
        /// `summarize NEW = AGG(…), … [by COL, …]`.
        case summarize([Assignment], by: [Assignment])
        /// `join [left|inner] DATASET on COL [= COL] [allow many]`.
        case join(left: Bool, dataset: Name, leftKey: Name, rightKey: Name, allowMany: Bool)
        /// `sort COL [desc], …`.
        case sort([SortKey])
        /// `take N`.
        case take(Int, SourceRange)
        /// `distinct COL, …`.
        case distinct([Name])
        /// `rename OLD as NEW, …`.
        case rename([(Name, Name)])
        /// A stage from a plugin, with its arguments by keyword.
        case plugin([PluginArgumentSyntax])
        /// `chart KIND COL … [ref COL, …] [errors LOWER UPPER] [title "…"] to "PATH"`: the last stage.
        case chart(ChartSyntax)
        /// `pack NAME VALUE [ref …] [errors …] [title "…"] by UNIT [within GROUP] to "DIR"`: the last stage.
        case pack(ChartSyntax, unit: Name, group: Name?)
    }

    /// The stage's keyword as typed.
    public var name: Name
    /// What it does.
    public var kind: Kind
    /// The whole stage's range.
    public var range: SourceRange

    /// Creates a stage.
    public init(name: Name, kind: Kind, range: SourceRange) {
        self.name = name
        self.kind = kind
        self.range = range
    }
}

/// `SOURCE | stage | stage …`: a dataset flowing left to right.
public struct PipelineSyntax: Sendable {
    /// The dataset it starts from (`_` is the last result).
    public var source: Name
    /// The stages in order.
    public var stages: [StageSyntax]
    /// The whole pipeline's range.
    public var range: SourceRange
    /// Creates a pipeline.
    public init(source: Name, stages: [StageSyntax], range: SourceRange) {
        self.source = source
        self.stages = stages
        self.range = range
    }
}

/// An option of `load`, e.g. `delimiter ";"` or `types (id: text)`.
public struct LoadOptionSyntax: Sendable {
    /// The option's name.
    public var name: Name
    /// Its text value (for `delimiter`, `decimal`, `encoding`, `dates`, `sheet`, `header`).
    public var value: String?
    /// Column types, for `types (…)`.
    public var types: [(Name, Name)]
    /// What `derive` asks for: `age` with its date (`yyyy-mm-dd`), `sex` without.
    public var derived: [(Name, String?)] = []
    /// The whole option's range.
    public var range: SourceRange
}

/// One statement as typed.
public enum StatementSyntax: Sendable {
    /// `load NAME "PATH" [options]`.
    case load(name: Name, path: String, pathRange: SourceRange, options: [LoadOptionSyntax])
    /// `let NAME = PIPELINE`.
    case `let`(name: Name, pipeline: PipelineSyntax)
    /// A pipeline to run and show.
    case pipeline(PipelineSyntax)
    /// `export PIPELINE to "PATH" [as FORMAT] [allow identifiers]`.
    case export(PipelineSyntax, path: String, pathRange: SourceRange, format: Name?, allowIdentifiers: Bool)
    /// `set NAME VALUE`.
    case set(name: Name, value: Name)
    /// `connect NAME "URL"`: attach a database; its tables become datasets.
    case connect(name: Name, url: String, urlRange: SourceRange)
    /// `disconnect NAME`.
    case disconnect(name: Name)
    /// `load NAME from CONNECTION "SQL"`: a query's result as a local dataset.
    case loadQuery(name: Name, connection: Name, sql: String, sqlRange: SourceRange)
}

/// One argument of a plugin stage: `per 1000 listed_patients` is keyword `per`, number 1000 and
/// the expression `listed_patients`; the value right after the stage name has the key "".
public struct PluginArgumentSyntax: Sendable {
    /// The keyword, or "" for the leading value.
    public var key: String
    /// The constant number, when the parameter takes one.
    public var number: Double?
    /// The expression, when given.
    public var expr: Expr?
    /// The expressions of a list argument.
    public var list: [Expr] = []
    /// The dataset named by a dataset argument.
    public var dataset: Name? = nil
    /// The whole argument's range, keyword included.
    public var range: SourceRange
}

/// A chart to draw from the rows that reach it.
public struct ChartSyntax: Sendable {
    /// The kind (`bar`, `funnel`).
    public var kind: Name
    /// The positional columns (category and value; for a funnel label, value and denominator).
    public var columns: [Name]
    /// Reference-line columns.
    public var references: [Name]
    /// Interval columns.
    public var errors: (Name, Name)?
    /// The title.
    public var title: String?
    /// The denominator's reference period, for the axis title (e.g. "sikrede pr. 1. januar 2023").
    public var period: String? = nil
    /// The file to write (`.svg` for the chart, `.csv` for its data).
    public var path: String
    /// Where the path was typed.
    public var pathRange: SourceRange
    /// `pack … to "DIR" as pptx`: what each practice's pack is written as (nil: SVG and CSV).
    public var format: Name? = nil
}
