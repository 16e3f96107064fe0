/// Passwords and tokens in database addresses: masked wherever text is shown (`***`), removed
/// wherever text is kept (the journal `.save` writes, the REPL's history), so a saved `connect`
/// asks again (PGPASSWORD, ~/.pgpass or the prompt) rather than sending `***` as the password.
public enum Secrets {
    /// One secret in a text: where it is (in characters) and the whole match it sits in.
    struct Found {
        var range: Range<String.Index>
        /// What the match becomes when shown and when kept.
        var shown: String
        var kept: String
    }

    static func find(_ text: String) -> [Found] {
        guard text.contains("://") || text.lowercased().contains("password=") || text.lowercased().contains("token=") else { return [] }
        var found: [Found] = []
        for m in text.matches(of: #/(?<head>://[^/:@\s"']*):(?<secret>[^@\s"']*)@/#) {
            found.append(Found(range: m.range, shown: "\(m.output.head):***@", kept: "\(m.output.head)@"))
        }
        for m in text.matches(of: #/(?<sep>[?&;]?)(?<key>(?i:password|token)=)(?<secret>[^&;\s"']*)/#) {
            found.append(Found(range: m.range, shown: "\(m.output.sep)\(m.output.key)***", kept: m.output.sep == "?" ? "?" : ""))
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    static func replace(_ text: String, _ keep: Bool) -> String {
        var out = "", at = text.startIndex
        for f in find(text) where f.range.lowerBound >= at {
            out += text[at..<f.range.lowerBound] + (keep ? f.kept : f.shown)
            at = f.range.upperBound
        }
        return out + text[at...]
    }

    /// The text with `user:PASSWORD@`, `password=…` and `token=…` shown as `***`.
    public static func masked(_ text: String) -> String { replace(text, false) }

    /// The text with passwords and tokens left out (`user@host`), for what is written to disk.
    public static func removed(_ text: String) -> String { replace(text, true) }

    /// Whether the text holds a password or token.
    public static func contains(_ text: String) -> Bool { !find(text).isEmpty }

    /// A character offset of the text moved to where it is in `masked(text)`, so a caret still
    /// points at the same place after a password is masked.
    public static func maskedOffset(_ offset: Int, in text: String) -> Int {
        var shift = 0
        for f in find(text) {
            let start = text.distance(from: text.startIndex, to: f.range.lowerBound)
            let end = text.distance(from: text.startIndex, to: f.range.upperBound)
            guard offset >= end else {
                if offset > start { return start + shift + min(offset - start, f.shown.count) }
                break
            }
            shift += f.shown.count - (end - start)
        }
        return offset + shift
    }
}
