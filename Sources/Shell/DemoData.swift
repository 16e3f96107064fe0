import Foundation
import Statistics
import Tabular

/// Deterministic demo data for one Danish region, with the shape of `shared/bench/gen_data.py`'s
/// output: practices (with list sizes and clusters), 2½ years of billing lines with palliation
/// codes, a cluster survey with its questions, and the service-code list.
///
/// Everything is synthetic and made from a fixed seed, so the demo and the tests that use it
/// always see the same numbers. Patient keys are random tokens, never CPR numbers.
public enum DemoData {
    /// A seeded generator with the draws the demo needs.
    struct Random {
        var base: SeededRandom
        init(state: UInt64) { base = SeededRandom(seed: state) }
        mutating func next() -> UInt64 { base.next() }
        mutating func uniform() -> Double { base.uniform() }
        mutating func int(_ n: Int) -> Int { base.int(n) }
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * Foundation.log(u)).squareRoot() * cos(2 * .pi * v)
        }
        mutating func poisson(_ lambda: Double) -> Int {
            if lambda > 30 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
            let l = Foundation.exp(-lambda)
            var k = 0, p = 1.0
            repeat { k += 1; p *= uniform() } while p > l
            return k - 1
        }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    }

    /// Municipalities of Region Sjælland: name, relative size, palliation factor.
    static let municipalities: [(String, Int, Double)] = [
        ("Odsherred", 33, 1.25), ("Holbæk", 73, 1.0), ("Kalundborg", 49, 1.15), ("Lejre", 28, 0.95),
        ("Roskilde", 90, 0.9), ("Greve", 51, 0.9), ("Solrød", 24, 0.85), ("Køge", 62, 0.95),
        ("Stevns", 23, 1.1), ("Faxe", 37, 1.1), ("Ringsted", 36, 1.0), ("Sorø", 30, 1.05),
        ("Slagelse", 79, 1.05), ("Næstved", 84, 1.05), ("Vordingborg", 45, 1.2),
        ("Guldborgsund", 60, 1.2), ("Lolland", 40, 1.3),
    ]

    /// Service codes: code, description, category, fee (DKK), share of ordinary rows.
    static let codes: [(String, String, String, Double, Double)] = [
        ("0101", "Konsultation", "konsultation", 155.83, 0.500),
        ("0105", "E-mailkonsultation", "konsultation", 53.10, 0.170),
        ("0201", "Telefonkonsultation", "konsultation", 31.42, 0.165),
        ("2101", "Blodprøvetagning", "laboratorie", 52.60, 0.100),
        ("0120", "Årskontrol, kronisk sygdom", "forebyggelse", 262.50, 0.035),
        ("0106", "Videokonsultation", "konsultation", 155.83, 0.015),
        ("0411", "Sygebesøg", "sygebesøg", 419.77, 0.015),
        ("0130", "Palliativ samtale", "palliation", 324.16, 0),
        ("0421", "Palliativt sygebesøg", "palliation", 556.40, 0),
    ]

    static let firstNames = ["Anne", "Mette", "Hanne", "Lise", "Susanne", "Maria", "Camilla", "Peter", "Jens", "Lars", "Søren",
                             "Niels", "Henrik", "Mads", "Rasmus", "Ulla", "Birgitte", "Jørgen", "Ida", "Signe", "Åse"]
    static let surnames = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
                           "Jørgensen", "Madsen", "Kristensen", "Møller", "Østergaard", "Bæk", "Kjær", "Søgaard", "Aagaard"]
    static let streets = ["Søndergade", "Nørregade", "Torvet", "Algade", "Møllevej", "Åboulevarden", "Banegårdspladsen", "Skovvej"]

    /// The survey's scale and questions (synthetic Danish texts).
    static let likert = ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig"]
    static let questions = [
        "Vi har en fælles forståelse af klyngens formål",
        "Klyngemøderne er relevante for vores praksis",
        "Datagrundlaget fra klyngen er troværdigt",
        "Vi bruger data fra klyngen i vores kvalitetsarbejde",
        "Jeg kender vores praksis' palliative forløb",
        "Samarbejdet med kommunens hjemmepleje fungerer godt",
        "Samarbejdet med sygehuset fungerer godt",
        "Vi har tid til kvalitetsarbejde i hverdagen",
        "Jeg føler mig inddraget i beslutninger om kvalitetsarbejde",
        "Klyngen har ført til ændringer i vores praksis",
        "Det er let at trække data ud af vores lægesystem",
        "Jeg vil anbefale andre praksis at deltage aktivt i klyngen",
    ]

    /// The prefix of a path that names a demo dataset instead of a file: `load billing "demo:billing"`.
    public static let scheme = "demo:"

    /// The demo datasets, made once per process (a notebook's runs share them).
    public static let shared = datasets()

    /// Every demo dataset by name.
    public static func datasets(seed: UInt64 = 2024) -> [String: Table] {
        var random = Random(state: seed)
        let practices = makePractices(&random)
        let billing = makeBilling(&random, practices)
        let survey = makeSurvey(&random, practices)
        return [
            "practices": practices.table,
            "billing": billing,
            "survey": survey,
            "survey_invited": makeInvited(seed, practices, survey),
            "survey_questions": Table.from(names: ["question", "text"], types: [.text, .text],
                                           rows: questions.enumerated().map { [.text(String(format: "q%02d", $0.offset + 1)), .text($0.element)] }),
            "service_codes": Table.from(names: ["service_code", "description", "category", "fee"], types: [.text, .text, .text, .decimal],
                                        rows: codes.map { [.text($0.0), .text($0.1), .text($0.2), .decimal($0.3)] }),
        ]
    }

    struct Practices {
        var table: Table
        var ids: [String]
        var listed: [Int]
        var clusters: [String]
        var activity: [Double]
        var palliation: [Double]
    }

    static func makePractices(_ r: inout Random) -> Practices {
        var ids: [String] = [], names: [String] = [], clusters: [String] = [], listed: [Int] = [], towns: [String] = []
        var activity: [Double] = [], palliation: [Double] = []
        var usedIds = Set<String>()
        // Pool small neighbouring municipalities so that each cluster has about 6 practices.
        var pool: [(String, Int, Double)] = []
        var clusterIndex: [String: Int] = [:]
        for (name, size, factor) in municipalities {
            let count = max(2, size / 12)
            pool.append((name, count, factor))
        }
        var pending: [(String, Double)] = []
        for (name, count, factor) in pool {
            for _ in 0..<count { pending.append((name, factor)) }
        }
        var clusterOf: [String] = []
        var current = ""
        var inCurrent = 0
        for (k, (town, _)) in pending.enumerated() {
            if inCurrent == 0 || inCurrent >= 6 || (k > 0 && pending[k - 1].0 != town && inCurrent >= 4) {
                let base = town
                let n = (clusterIndex[base] ?? 0) + 1
                clusterIndex[base] = n
                current = "\(base) \(n)"
                inCurrent = 0
            }
            clusterOf.append(current)
            inCurrent += 1
        }
        for (k, (town, factor)) in pending.enumerated() {
            var id: String
            repeat {
                id = String(format: "%06d", r.int(k % 9 == 4 ? 100_000 : 999_999))
            } while usedIds.contains(id) || id == "000000"
            usedIds.insert(id)
            ids.append(id)
            let solo = r.uniform() < 0.55
            let size = solo ? 1100 + r.int(1400) : 2500 + Int(Foundation.exp(r.normal() * 0.45) * 3500)
            listed.append(min(12_000, max(800, size)))
            names.append(solo ? "Læge \(r.pick(firstNames)) \(r.pick(surnames))" : "Lægerne \(r.pick(streets)), \(town)")
            clusters.append(clusterOf[k])
            towns.append(town)
            activity.append(Foundation.exp(r.normal() * 0.15))
            let outlier = r.uniform()
            let effect = outlier < 0.05 ? 0.05 : (outlier > 0.95 ? 3.2 : Foundation.exp(r.normal() * 0.45))
            palliation.append(14.0 * factor * effect)
        }
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        func sorted<T>(_ a: [T]) -> [T] { order.map { a[$0] } }
        let table = Table(columns: [
            Column.from(name: "practice_id", type: .text, values: sorted(ids).map(Value.text)),
            Column.from(name: "practice_name", type: .text, values: sorted(names).map(Value.text)),
            Column.from(name: "cluster", type: .text, values: sorted(clusters).map(Value.text)),
            Column(name: "listed_patients", data: .integer(sorted(listed).map(Int64.init))),
            Column.from(name: "municipality", type: .text, values: sorted(towns).map(Value.text)),
        ])
        return Practices(table: table, ids: sorted(ids), listed: sorted(listed), clusters: sorted(clusters),
                         activity: sorted(activity), palliation: sorted(palliation))
    }

    static func token(_ practice: Int, _ patient: Int) -> String {
        var r = Random(state: UInt64(practice) &* 1_000_003 &+ UInt64(patient) &* 7919)
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
        var s = String(letters[r.int(letters.count)])
        for _ in 0..<9 { s.append(alphabet[r.int(alphabet.count)]) }
        return s
    }

    static func makeBilling(_ r: inout Random, _ p: Practices) -> Table {
        let start = CivilDate(year: 2022, month: 1, day: 1)!.daysSinceEpoch
        let end = CivilDate(year: 2024, month: 6, day: 30)!.daysSinceEpoch
        var practiceCodes: [Int32] = [], patients = TextStorage.Builder(), dates: [Int32] = [], serviceCodes: [Int32] = []
        var counts: [Int64] = [], fees: [Double] = []
        var cumulative: [Double] = []
        var total = 0.0
        for c in codes where c.4 > 0 { total += c.4; cumulative.append(total) }
        func fee(_ code: Int, _ day: Int32) -> Double {
            let date = CivilDate(daysSinceEpoch: day)
            let periods = (date.year - 2022) + (date.month >= 4 ? 1 : 0)
            return (codes[code].3 * Foundation.pow(1.025, Double(periods)) * 100).rounded() / 100
        }
        func add(_ practice: Int, _ patient: Int, _ day: Int32, _ code: Int, _ count: Int) {
            practiceCodes.append(Int32(practice))
            patients.append(token(practice, patient))
            dates.append(day)
            serviceCodes.append(Int32(code))
            counts.append(Int64(count))
            fees.append((fee(code, day) * Double(count) * 100).rounded() / 100)
        }
        for day in start...end {
            let date = CivilDate(daysSinceEpoch: day)
            let weekday = date.weekday
            if weekday >= 6 { continue }
            let season = (date.month == 7 ? 0.55 : 1.0) * (date.month <= 2 || date.month == 12 ? 1.15 : 1.0) * (weekday == 1 ? 1.3 : 1.0)
            for k in p.ids.indices {
                let expected = Double(p.listed[k]) / 1000.0 * 0.42 * p.activity[k] * season
                for _ in 0..<r.poisson(expected) {
                    let u = r.uniform() * total
                    let code = cumulative.firstIndex { u < $0 } ?? 0
                    let count = code == 3 ? 1 + r.int(3) : 1
                    let patient = r.int(p.listed[k])
                    if r.uniform() < 0.002 {
                        add(k, patient, day, code, -count)
                    } else {
                        add(k, patient, day, code, count)
                    }
                }
            }
        }
        // Palliation courses: about four services per patient in the weeks before an end date.
        let years = Double(end - start) / 365.25
        for k in p.ids.indices {
            let services = p.palliation[k] * Double(p.listed[k]) / 1000.0 * years
            let courses = r.poisson(services / 4)
            for _ in 0..<courses {
                let patient = r.int(p.listed[k])
                let last = start + Int32(r.int(Int(end - start)))
                for _ in 0..<(2 + r.int(5)) {
                    var day = last - Int32(r.int(60))
                    if day < start { day = start }
                    let wd = CivilDate(daysSinceEpoch: day).weekday
                    if wd >= 6 { day -= Int32(wd - 5) }
                    if day < start { continue }
                    add(k, patient, day, r.uniform() < 0.65 ? 7 : 8, 1)
                }
            }
        }
        let order = dates.indices.sorted { dates[$0] != dates[$1] ? dates[$0] < dates[$1] : $0 < $1 }
        let practiceDictionary = TextStorage(codes: order.map { practiceCodes[$0] }, dictionary: p.ids)
        let serviceDictionary = TextStorage(codes: order.map { serviceCodes[$0] }, dictionary: codes.map(\.0))
        let patientStorage = patients.storage
        return Table(columns: [
            Column(name: "practice_id", data: .text(practiceDictionary)),
            Column(name: "patient_id", data: .text(TextStorage(codes: order.map { patientStorage.codes[$0] }, dictionary: patientStorage.dictionary))),
            Column(name: "service_date", data: .date(order.map { dates[$0] })),
            Column(name: "service_code", data: .text(serviceDictionary)),
            Column(name: "count", data: .integer(order.map { counts[$0] })),
            Column(name: "fee", data: .decimal(order.map { fees[$0] })),
        ])
    }

    static func makeSurvey(_ r: inout Random, _ p: Practices) -> Table {
        let roles = ["læge", "sygeplejerske", "sekretær"]
        let means = [0.6, 0.4, 0.1, -0.1, 0.3, 0.2, -0.3, -0.7, 0.0, -0.2, -0.9, 0.3]
        let clinical = [false, false, true, true, true, true, true, false, false, false, true, false]
        var rows: [[Value]] = []
        var clusterEffect: [String: Double] = [:]
        for k in p.ids.indices {
            if r.uniform() < 0.12 { continue } // some practices did not answer
            let practiceEffect = r.normal() * 0.4 + (clusterEffect[p.clusters[k]] ?? { let e = r.normal() * 0.3; clusterEffect[p.clusters[k]] = e; return e }())
            let respondents = 1 + r.poisson(2.7)
            for _ in 0..<respondents {
                let role = roles[min(2, r.int(10) < 5 ? 0 : (r.int(2) + 1))]
                var row: [Value] = [.integer(Int64(rows.count + 1)), .text(p.ids[k]), .text(p.clusters[k]), .text(role)]
                let stopsAt = r.uniform() < 0.08 ? 4 + r.int(8) : 12
                for q in 0..<12 {
                    if q >= stopsAt { row.append(.null); continue }
                    let dontKnow = (role == "sekretær" && clinical[q]) ? 0.3 : 0.04
                    if r.uniform() < dontKnow { row.append(.text("Ved ikke")); continue }
                    let score = means[q] + practiceEffect + r.normal() * 0.8
                    let level = score > 1.2 ? 0 : score > 0.3 ? 1 : score > -0.4 ? 2 : score > -1.2 ? 3 : 4
                    row.append(.text(likert[level]))
                }
                // The free-text answer comes from a stream of its own, so adding it left the other answers as they were.
                var own = Random(state: UInt64(rows.count + 1) &* 0x9E37_79B9_7F4A_7C15)
                row.append(own.uniform() < 0.3 ? .text(comments[own.int(comments.count)]) : .null)
                rows.append(row)
            }
        }
        let names = ["respondent_id", "practice_id", "cluster", "role"] + (1...12).map { String(format: "q%02d", $0) } + ["comment"]
        return Table.from(names: names, types: [.integer] + [DataType](repeating: .text, count: 16), rows: rows)
    }

    /// Free-text answers to "Har du kommentarer til samarbejdet med sygehuset om palliation?".
    static let comments = [
        "Epikriser fra sygehuset kommer ofte for sent til at vi kan nå at planlægge et hjemmebesøg.",
        "Det palliative team er let at få fat i og meget hjælpsomt.",
        "Vi mangler en fast kontaktperson på afdelingen.",
        "Samarbejdet er blevet bedre efter klyngemødet i foråret.",
        "Vi får ikke altid besked, når en patient udskrives til terminal pleje i eget hjem.",
        "God dialog om medicin, men ansvarsfordelingen er uklar i weekenden.",
        "Fælles journalnotater ville gøre en stor forskel.",
        "Telefontiden hos sygehuset passer dårligt med vores konsultationstid.",
    ]

    /// How many staff each practice invited to the survey: at least those who answered, and
    /// some in practices where nobody did.
    static func makeInvited(_ seed: UInt64, _ p: Practices, _ survey: Table) -> Table {
        var random = Random(state: seed &+ 17)
        var answered: [String: Int] = [:]
        let practice = survey.column("practice_id")!
        for r in 0..<survey.rowCount { answered[practice.value(at: r).description, default: 0] += 1 }
        let rows: [[Value]] = p.ids.indices.map { k in
            let invited = (answered[p.ids[k]] ?? 0) + 1 + random.int(3)
            return [.text(p.ids[k]), .text(p.clusters[k]), .integer(Int64(invited))]
        }.sorted { $0[0].description < $1[0].description }
        return Table.from(names: ["practice_id", "cluster", "invited"], types: [.text, .text, .integer], rows: rows)
    }
}
