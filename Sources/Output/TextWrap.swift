/// Text broken into lines of at most `width` characters at spaces (a longer word keeps its own
/// line): for chart footers and the help pages alike.
public func wrapped(_ text: String, width: Int) -> [String] {
    var lines: [String] = [], current = ""
    for word in text.split(separator: " ") {
        if !current.isEmpty, current.count + word.count + 1 > width { lines.append(current); current = "" }
        current += (current.isEmpty ? "" : " ") + word
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}
