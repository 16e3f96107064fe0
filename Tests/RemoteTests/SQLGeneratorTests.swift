import Query
import Remote
import Shell
import Tabular
import Testing

/// The SQL each stage becomes, word for word (PostgreSQL's dialect): the text the data team reads
/// with `.sql`, one CTE per stage named after it.
@Suite struct SQLGeneratorTests {
    static let billing = RemoteRelation(dataset: "billing", sql: "\"public\".\"billing\"", qualifiedName: "public.billing", isView: false, columns: [
        .init(name: "practice_id", type: .text, engineType: "text", exact: true),
        .init(name: "service_date", type: .date, engineType: "date", exact: true),
        .init(name: "service_code", type: .text, engineType: "varchar", exact: false),
        .init(name: "count", type: .integer, engineType: "int4", exact: false),
        .init(name: "fee", type: .decimal, engineType: "float8", exact: true),
    ])
    static let practices = RemoteRelation(dataset: "practices", sql: "\"public\".\"practices\"", qualifiedName: "public.practices", isView: false, columns: [
        .init(name: "practice_id", type: .text, engineType: "text", exact: true),
        .init(name: "cluster", type: .text, engineType: "text", exact: true),
        .init(name: "listed_patients", type: .integer, engineType: "int8", exact: true),
    ])
    static let codes = Table.from(names: ["service_code", "label"], types: [.text, .text], rows: [[.text("0130"), .text("it's palliation")], [.text("0421"), .null]])

    /// The SQL of a pipeline, with the statement and the lines on where each stage runs.
    static func sql(_ pipeline: String, dialect: SQLDialect = PostgreSQLDialect()) throws -> String {
        let session = Session(plugins: BuiltInPlugins.all)
        session.define("codes", codes, origin: "test")
        guard case .pipeline(let syntax) = try Parser.parse(pipeline, stages: session.stages) else { throw Diagnostic("not a pipeline") }
        var catalog = session.catalog
        catalog.datasets["billing"] = billing.schema
        catalog.datasets["practices"] = practices.schema
        let plan = try Planner(catalog: catalog, stages: session.stages).plan(syntax)
        // The tables' names in the engine are spelt by the engine's dialect, as its backend reads them.
        var (b, p) = (billing, practices)
        b.sql = dialect.quote(dialect is SparkDialect ? "default" : "public") + "." + dialect.quote("billing")
        p.sql = dialect.quote(dialect is SparkDialect ? "default" : "public") + "." + dialect.quote("practices")
        let generator = SQLGenerator(dialect: dialect, relations: ["billing": b, "practices": p], localTables: ["codes": codes])
        let query = try generator.generate(plan)
        return query.statement(limit: 1001) + "\n-- pushed \(query.pushed) of \(plan.stages.count)" + (query.localReason.map { "; \($0)" } ?? "")
    }
}

extension SQLGeneratorTests {
    /// The scan casts what is not klynge's type already; `where` is a WHERE, division by zero is null.
    @Test func scanAndWhere() throws {
        #expect(try Self.sql("billing | where service_code in (\"0130\", \"0421\") and fee / count > 100.5 and service_date >= @2023-01-01") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_where AS (
              SELECT * FROM s0_scan WHERE ((("service_code" IN ('0130', '0421')) AND (("fee" / NULLIF(CAST("count" AS DOUBLE PRECISION), 0)) > CAST(100.5 AS DOUBLE PRECISION))) AND ("service_date" >= DATE '2023-01-01'))
            )
            SELECT "practice_id", "service_date", "service_code", "count", "fee" FROM s1_where
            LIMIT 1001
            -- pushed 1 of 1
            """#)
    }

    /// `derive` items that use earlier ones are inlined; literals in arithmetic are 64-bit.
    @Test func selectAndDerive() throws {
        #expect(try Self.sql("billing | derive year = year(service_date), doubled = count * 2, per_year = doubled / 2 | select practice_id, year, per_year, big = per_year >= 10") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_derive AS (
              SELECT "practice_id", "service_date", "service_code", "count", "fee", CAST(EXTRACT(YEAR FROM "service_date") AS BIGINT) AS "year", ("count" * CAST(2 AS BIGINT)) AS "doubled", (CAST(("count" * CAST(2 AS BIGINT)) AS DOUBLE PRECISION) / NULLIF(CAST(2 AS DOUBLE PRECISION), 0)) AS "per_year" FROM s0_scan
            ),
            s2_select AS (
              SELECT "practice_id", "year", "per_year", ("per_year" >= CAST(10.0 AS DOUBLE PRECISION)) AS "big" FROM s1_derive
            )
            SELECT "practice_id", "year", "per_year", "big" FROM s2_select
            LIMIT 1001
            -- pushed 2 of 2
            """#)
    }

    /// `summarize`: GROUP BY the keys, outputs over the aggregates, rows numbered in key order (code points).
    @Test func summarize() throws {
        #expect(try Self.sql("billing | summarize n = count(), services = sum(count), patients = count_distinct(practice_id), median_fee = median(fee), rate = 1000 * sum(count) / count() by practice_id, year = year(service_date)") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_summarize AS (
              SELECT "practice_id", CAST(EXTRACT(YEAR FROM "service_date") AS BIGINT) AS "year", COUNT(*) AS "n", CAST(SUM("count") AS BIGINT) AS "services", COUNT(DISTINCT "practice_id") AS "patients", PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "fee") AS "median_fee", (CAST((CAST(1000 AS BIGINT) * CAST(SUM("count") AS BIGINT)) AS DOUBLE PRECISION) / NULLIF(CAST(COUNT(*) AS DOUBLE PRECISION), 0)) AS "rate", ROW_NUMBER() OVER (ORDER BY ("practice_id" COLLATE "C") ASC NULLS LAST, CAST(EXTRACT(YEAR FROM "service_date") AS BIGINT) ASC NULLS LAST) AS "_row" FROM s0_scan GROUP BY "practice_id", CAST(EXTRACT(YEAR FROM "service_date") AS BIGINT)
            )
            SELECT "practice_id", "year", "n", "services", "patients", "median_fee", "rate" FROM s1_summarize ORDER BY "_row"
            LIMIT 1001
            -- pushed 1 of 1
            """#)
    }

    /// A join with a table of the same database; a stable sort (ties keep the order before); take by that order.
    @Test func joinAndSort() throws {
        #expect(try Self.sql("billing | summarize services = sum(count) by practice_id | join left practices on practice_id | sort cluster desc, services | take 10") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_summarize AS (
              SELECT "practice_id", CAST(SUM("count") AS BIGINT) AS "services", ROW_NUMBER() OVER (ORDER BY ("practice_id" COLLATE "C") ASC NULLS LAST) AS "_row" FROM s0_scan GROUP BY "practice_id"
            ),
            s2_join AS (
              SELECT l."practice_id", l."services", r."cluster" AS "cluster", r."listed_patients" AS "listed_patients", l."_row" FROM s1_summarize AS l LEFT JOIN (SELECT "practice_id", "cluster", "listed_patients" FROM "public"."practices") AS r ON l."practice_id" = r."practice_id"
            ),
            s3_sort AS (
              SELECT "practice_id", "services", "cluster", "listed_patients", ROW_NUMBER() OVER (ORDER BY ("cluster" COLLATE "C") DESC NULLS LAST, "services" ASC NULLS LAST, "_row") AS "_row" FROM s2_join
            ),
            s4_take AS (
              SELECT * FROM s3_sort ORDER BY "_row" LIMIT 10
            )
            SELECT "practice_id", "services", "cluster", "listed_patients" FROM s4_take ORDER BY "_row"
            LIMIT 1001
            -- pushed 4 of 4
            """#)
    }

    /// A small local dataset joins as VALUES; distinct rows are numbered in their own order; rename.
    @Test func joinLocalValues() throws {
        #expect(try Self.sql("billing | join codes on service_code | distinct label | rename label as kind") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_join AS (
              SELECT l."practice_id", l."service_date", l."service_code", l."count", l."fee", r."label" AS "label" FROM s0_scan AS l JOIN (SELECT * FROM (VALUES ('0130', 'it''s palliation'), ('0421', CAST(NULL AS TEXT))) AS v("service_code", "label")) AS r ON l."service_code" = r."service_code"
            ),
            s2_distinct AS (
              SELECT "label", ROW_NUMBER() OVER (ORDER BY ("label" COLLATE "C") ASC NULLS LAST) AS "_row" FROM (SELECT DISTINCT "label" FROM s1_join) AS d
            ),
            s3_rename AS (
              SELECT "label" AS "kind", "_row" FROM s2_distinct
            )
            SELECT "kind" FROM s3_rename ORDER BY "_row"
            LIMIT 1001
            -- pushed 3 of 3
            """#)
    }

    /// `take` on rows with no defined order takes any rows, as a database would.
    @Test func takeWithoutOrder() throws {
        #expect(try Self.sql("practices | take 3") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "cluster", "listed_patients" FROM "public"."practices"
            ),
            s1_take AS (
              SELECT * FROM s0_scan LIMIT 3
            )
            SELECT "practice_id", "cluster", "listed_patients" FROM s1_take
            LIMIT 1001
            -- pushed 1 of 1
            """#)
    }

    /// A plugin stage split by rows: the SQL ends before it, and it finishes here.
    @Test func pluginSplitByRows() throws {
        #expect(try Self.sql("billing | summarize services = sum(count) by practice_id | join practices on practice_id | rate services per 1000 listed_patients | sort rate desc") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_summarize AS (
              SELECT "practice_id", CAST(SUM("count") AS BIGINT) AS "services", ROW_NUMBER() OVER (ORDER BY ("practice_id" COLLATE "C") ASC NULLS LAST) AS "_row" FROM s0_scan GROUP BY "practice_id"
            ),
            s2_join AS (
              SELECT l."practice_id", l."services", r."cluster" AS "cluster", r."listed_patients" AS "listed_patients", l."_row" FROM s1_summarize AS l JOIN (SELECT "practice_id", "cluster", "listed_patients" FROM "public"."practices") AS r ON l."practice_id" = r."practice_id"
            )
            SELECT "practice_id", "services", "cluster", "listed_patients" FROM s2_join ORDER BY "_row"
            LIMIT 1001
            -- pushed 2 of 4; rate finishes here on the rows the engine computes
            """#)
    }

    /// A plugin stage split by sums: one row per group and band, nulls, negatives and zeros apart.
    @Test func pluginSplitBySums() throws {
        #expect(try Self.sql("billing | derive band = if(count > 1, \"70-74\", \"75-79\") | standardize count per 1000 fee age band by practice_id") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            ),
            s1_derive AS (
              SELECT "practice_id", "service_date", "service_code", "count", "fee", (CASE WHEN ("count" > 1) THEN '70-74' ELSE '75-79' END) AS "band" FROM s0_scan
            ),
            s2_standardize_sums AS (
              SELECT "practice_id" AS "key_by", "band" AS "key_age", CAST(SUM("count") AS BIGINT) AS "sum_x", SUM("fee") AS "sum_per" FROM s1_derive GROUP BY "practice_id", "band", (CASE WHEN "count" IS NULL THEN 0 WHEN "count" < 0 THEN 1 WHEN "count" = 0 THEN 2 ELSE 3 END), (CASE WHEN "fee" IS NULL THEN 0 WHEN "fee" < 0 THEN 1 WHEN "fee" = 0 THEN 2 ELSE 3 END)
            )
            SELECT "key_by", "key_age", "sum_x", "sum_per" FROM s2_standardize_sums
            LIMIT 1001
            -- pushed 1 of 2; standardize finishes here on the sums per group
            """#)
    }

    /// An expression with no SQL form: the stages from there run here.
    @Test func noSQLFormStopsThere() throws {
        #expect(try Self.sql("billing | where text(fee) == \"1.5\" | summarize n = count()") == #"""
            WITH s0_scan AS (
              SELECT "practice_id", "service_date", CAST("service_code" AS TEXT) AS "service_code", CAST("count" AS BIGINT) AS "count", "fee" FROM "public"."billing"
            )
            SELECT "practice_id", "service_date", "service_code", "count", "fee" FROM s0_scan
            LIMIT 1001
            -- pushed 0 of 2; where: text(decimal) (the engine writes decimals its own way) has no postgresql form
            """#)
    }
}

extension SQLGeneratorTests {
    /// Spark: backticks, no collation (Spark's binary order is code-point order), NULLS LAST written out.
    @Test func sparkSummarizeJoinSort() throws {
        #expect(try Self.sql("billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count), median_fee = median(fee) by practice_id | join practices on practice_id | sort cluster, services desc", dialect: SparkDialect()) == #"""
            WITH s0_scan AS (
              SELECT `practice_id`, `service_date`, CAST(`service_code` AS STRING) AS `service_code`, CAST(`count` AS BIGINT) AS `count`, `fee` FROM `default`.`billing`
            ),
            s1_where AS (
              SELECT * FROM s0_scan WHERE ((`service_code` IN ('0130', '0421')) AND (CAST(EXTRACT(YEAR FROM `service_date`) AS BIGINT) = 2023))
            ),
            s2_summarize AS (
              SELECT `practice_id`, CAST(SUM(`count`) AS BIGINT) AS `services`, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY `fee`) AS `median_fee`, ROW_NUMBER() OVER (ORDER BY `practice_id` ASC NULLS LAST) AS `_row` FROM s1_where GROUP BY `practice_id`
            ),
            s3_join AS (
              SELECT l.`practice_id`, l.`services`, l.`median_fee`, r.`cluster` AS `cluster`, r.`listed_patients` AS `listed_patients`, l.`_row` FROM s2_summarize AS l JOIN (SELECT `practice_id`, `cluster`, `listed_patients` FROM `default`.`practices`) AS r ON l.`practice_id` = r.`practice_id`
            ),
            s4_sort AS (
              SELECT `practice_id`, `services`, `median_fee`, `cluster`, `listed_patients`, ROW_NUMBER() OVER (ORDER BY `cluster` ASC NULLS LAST, `services` DESC NULLS LAST, `_row`) AS `_row` FROM s3_join
            )
            SELECT `practice_id`, `services`, `median_fee`, `cluster`, `listed_patients` FROM s4_sort ORDER BY `_row`
            LIMIT 1001
            -- pushed 4 of 4
            """#)
    }

    /// Spark: backslash escapes in literals, CONCAT_WS for null-skipping concat, DATEDIFF, DAYOFWEEK_ISO, a cast that truncates, rounding in doubles.
    @Test func sparkTextAndDates() throws {
        #expect(try Self.sql("billing | join codes on service_code | derive label = concat(label, \" \\\\ it's\"), days = service_date - @2023-01-01, wd = weekday(service_date), whole = integer(fee), r = round(fee, 1) | select label, days, wd, whole, r", dialect: SparkDialect()) == #"""
            WITH s0_scan AS (
              SELECT `practice_id`, `service_date`, CAST(`service_code` AS STRING) AS `service_code`, CAST(`count` AS BIGINT) AS `count`, `fee` FROM `default`.`billing`
            ),
            s1_join AS (
              SELECT l.`practice_id`, l.`service_date`, l.`service_code`, l.`count`, l.`fee`, r.`label` AS `label` FROM s0_scan AS l JOIN (SELECT * FROM (VALUES ('0130', 'it\'s palliation'), ('0421', CAST(NULL AS STRING))) AS v(`service_code`, `label`)) AS r ON l.`service_code` = r.`service_code`
            ),
            s2_derive AS (
              SELECT `practice_id`, `service_date`, `service_code`, `count`, `fee`, CONCAT_WS('', `label`, ' \\ it\'s') AS `label`, CAST(DATEDIFF(`service_date`, DATE '2023-01-01') AS BIGINT) AS `days`, CAST(EXTRACT(DAYOFWEEK_ISO FROM `service_date`) AS BIGINT) AS `wd`, CAST(`fee` AS BIGINT) AS `whole`, (CASE WHEN ABS((`fee` * POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE)))) >= 4503599627370496 THEN `fee` ELSE SIGN((`fee` * POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE)))) * (CASE WHEN ABS((`fee` * POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE)))) - CAST(FLOOR(ABS((`fee` * POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE))))) AS DOUBLE) >= 0.5 THEN CAST(CEIL(ABS((`fee` * POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE))))) AS DOUBLE) ELSE CAST(FLOOR(ABS((`fee` * POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE))))) AS DOUBLE) END) / POWER(CAST(10 AS DOUBLE), CAST(1 AS DOUBLE)) END) AS `r` FROM s1_join
            ),
            s3_select AS (
              SELECT `label`, `days`, `wd`, `whole`, `r` FROM s2_derive
            )
            SELECT `label`, `days`, `wd`, `whole`, `r` FROM s3_select
            LIMIT 1001
            -- pushed 3 of 3
            """#)
    }
}
