import Testing
import Query
import Tabular

@Suite struct EvaluatorTests {
    @Test func palliationRatePerPracticeWithLeftJoin() throws {
        let palliation = try run("billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id")
        var data = testDatasets
        data["palliation"] = palliation
        let t = try run("""
            practices | join left palliation on practice_id | derive services = coalesce(services, 0)
              | derive rate = 1000 * services / listed_patients | sort rate desc, practice_id
            """, data)
        #expect(t.values("practice_id") == [.text("028701"), .text("011031"), .text("033122")])
        #expect(t.values("services") == [.integer(3), .integer(3), .integer(0)])
        #expect(t.values("rate") == [.decimal(3), .decimal(1.5), .decimal(0)])
    }

    @Test func dateLiteralsAndTextDatesCompare() throws {
        let a = try run("billing | where service_date >= \"2023-03-01\" | summarize n = count()")
        let b = try run("billing | where service_date between @2023-03-01 and @2023-12-31 | summarize n = count()")
        #expect(a.values("n") == [.integer(3)])
        #expect(b.values("n") == [.integer(3)])
    }

    @Test func nullsPropagateAndAreVisibleToIsNull() throws {
        let t = try run("billing | derive double_fee = fee * 2 | where double_fee is null | select practice_id, double_fee")
        #expect(t.rowCount == 1)
        #expect(t.values("double_fee") == [.null])
        let sum = try run("billing | where fee is null | summarize s = sum(fee), n = count(fee), k = count()")
        #expect(sum.values("s") == [.null])
        #expect(sum.values("n") == [.integer(0)])
        #expect(sum.values("k") == [.integer(1)])
    }

    @Test func aggregatesMatchHandComputation() throws {
        let t = try run("""
            practices | summarize n = count(), total = sum(listed_patients), mean = mean(listed_patients), median = median(listed_patients),
              sd = sd(listed_patients), lo = min(listed_patients), hi = max(listed_patients), q = quantile(listed_patients, 0.25),
              clusters = count_distinct(cluster), first_cluster = min(cluster)
            """)
        #expect(t.values("n") == [.integer(3)])
        #expect(t.values("total") == [.integer(7000)])
        #expect(t.values("median") == [.decimal(2000)])
        // sample sd of 1000, 2000, 4000 = sqrt(((−1333.3)² + (−333.3)² + 1666.7²)/2)
        let sd = try #require(t.values("sd")[0].doubleValue)
        #expect(abs(sd - 1527.5252316519467) < 1e-9)
        #expect(t.values("q") == [.decimal(1500)])
        #expect(t.values("clusters") == [.integer(2)])
        #expect(t.values("first_cluster") == [.text("Køge 2")])
    }

    @Test func pooledRateIsSumOverSumNotMeanOfRates() throws {
        let t = try run("practices | derive x = listed_patients / 100 | summarize pooled = 1000 * sum(x) / sum(listed_patients), mean_rate = mean(1000 * x / listed_patients) by cluster")
        #expect(t.values("cluster") == [.text("Køge 2"), .text("Næstved 1")])
        #expect(t.values("pooled") == [.decimal(10), .decimal(10)])
    }

    @Test func selectRenameDistinctTake() throws {
        let t = try run("practices | select cluster, size = listed_patients | rename size as sikrede | sort sikrede | take 2")
        #expect(t.columnNames == ["cluster", "sikrede"])
        #expect(t.values("sikrede") == [.integer(1000), .integer(2000)])
        let d = try run("billing | distinct practice_id")
        #expect(d.values("practice_id") == [.text("011031"), .text("028701")])
    }

    @Test func innerJoinDropsUnmatchedAndRenamesClashes() throws {
        var data = testDatasets
        data["other"] = Table.from(names: ["practice_id", "cluster"], types: [.text, .text], rows: [[.text("011031"), .text("X")]])
        let t = try run("practices | join other on practice_id", data)
        #expect(t.rowCount == 1)
        #expect(t.columnNames == ["practice_id", "cluster", "listed_patients", "cluster_other"])
    }

    @Test func functionsOnText() throws {
        let t = try run("practices | derive l = lower(cluster), k = contains(cluster, \"Køge\"), s = substr(practice_id, 2, 3), c = concat(cluster, \"/\", listed_patients) | take 1")
        #expect(t.values("l") == [.text("næstved 1")])
        #expect(t.values("k") == [.boolean(false)])
        #expect(t.values("s") == [.text("110")])
        #expect(t.values("c") == [.text("Næstved 1/2000")])
    }

    @Test func divisionByZeroIsNullAndIfChooses() throws {
        let t = try run("practices | derive z = listed_patients / (listed_patients - listed_patients), big = if(listed_patients > 1500, \"stor\", \"lille\")")
        #expect(t.values("z") == [.null, .null, .null])
        #expect(t.values("big") == [.text("stor"), .text("lille"), .text("stor")])
    }

    @Test func kleeneLogicWithNulls() throws {
        let t = try run("billing | where fee > 500 or count == -1 | summarize n = count()")
        #expect(t.values("n") == [.integer(3)])
    }
}
