/// The markup languages `MarkupReport` writes (CONTRACT.md `--format markdown|html`).
public enum MarkupFormat: String, Sendable, CaseIterable {
    /// CommonMark with GitHub's extensions in mind: for an incident ticket, a GitHub issue, a chat.
    case markdown
    /// One self-contained HTML5 page: inline CSS, no script, no external asset.
    case html
}

/// The pieces a `MarkupReport` is made of, each returning finished markup. Arguments named
/// `text` are plain text (log-derived or not) and are escaped here; arguments named `inline` or
/// `items` are markup made by these functions.
protocol Markup {
    /// Plain text as inline markup: escaped, line breaks folded to spaces, control characters
    /// shown as their Unicode control pictures (`␛` for ESC).
    func text(_ text: String) -> String
    /// Inline code (monospace, kept as written apart from line breaks folded to spaces).
    func code(_ text: String) -> String
    func strong(_ inline: String) -> String
    /// A severity or status tag; `kind` is a CSS class for HTML (`critical`, `open`, ...).
    func tag(_ text: String, kind: String) -> String
    func heading(_ level: Int, _ inline: String) -> String
    func paragraph(_ inline: String) -> String
    /// A bullet list; an item may hold blocks after its first line (separated by "\n").
    func list(_ items: [String]) -> String
    /// A preformatted block (line breaks kept); `language` is the info string (`sh`).
    func codeBlock(_ text: String, language: String) -> String
    /// A line break inside a paragraph or list item.
    var lineBreak: String { get }
    /// What comes before the first block (`title` is plain text) and after the last.
    func begin(title: String) -> String
    func end() -> String
}

extension Markup {
    /// Text written in `Patterns/` (a fix, a hypothesis's title or evidence line) as inline
    /// markup: each pair of backticks (`` `egress:` ``) as code, the rest as `text`, so that the
    /// pattern author's code spans render as code instead of escaped backticks. Log-derived values
    /// filled into it stay safe: a code span is escaped as code, and a backtick without a partner
    /// is plain text. Spaces around a code span are kept.
    func authored(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return self.text(text) }
        var out = ""
        var k = 0
        while k < parts.count {
            let part = String(parts[k])
            if k % 2 == 1, k + 1 < parts.count, part.contains(where: { $0 != " " }) {
                out += code(part)
            } else {
                // Outside a pair (or an unpaired or empty span): plain text, its backticks kept.
                let plain = k % 2 == 1 ? "`" + part + (k + 1 < parts.count ? "`" : "") : part
                if plain.first == " ", !out.isEmpty { out += " " }
                out += self.text(plain)
                if plain.last == " ", k + 1 < parts.count, plain.contains(where: { $0 != " " }) { out += " " }
            }
            k += 1
        }
        return out
    }
}

/// `text` with C0 control characters but tab and line feed, and DEL, replaced by their control
/// pictures (U+2400 + code, U+2421), so that a log line's escape sequences reach neither a
/// terminal showing the raw report nor an HTML parser; CR LF and lone CR become LF.
func visibleControls(_ text: String) -> String {
    guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F }) else { return text }
    var out = String.UnicodeScalarView()
    var previousCR = false
    for u in text.unicodeScalars {
        defer { previousCR = u == "\r" }
        if u == "\n" && previousCR { continue }
        switch u.value {
        case 0x0D: out.append("\n")
        case 0x09, 0x0A: out.append(u)
        case 0..<0x20: out.append(Unicode.Scalar(0x2400 + u.value)!)
        case 0x7F: out.append("\u{2421}")
        default: out.append(u)
        }
    }
    return String(out)
}

/// `text` on one line: its line breaks as single spaces, without leading and trailing spaces.
func oneLine(_ text: String) -> String {
    var out = ""
    var pendingSpace = false
    for c in visibleControls(text) {
        if c == "\n" || c == " " || c == "\t" { pendingSpace = !out.isEmpty; continue }
        if pendingSpace { out.append(" "); pendingSpace = false }
        out.append(c)
    }
    return out
}

/// CommonMark (GitHub-flavoured) markup. Text is backslash-escaped where it could start markup
/// (emphasis, links, code, HTML, entities, strikethrough, tables, and block markers at its start),
/// so that a log line cannot break the document.
struct MarkdownMarkup: Markup {
    func text(_ text: String) -> String {
        let line = oneLine(text)
        var out = ""
        out.reserveCapacity(line.utf8.count + 8)
        var digitsOnly = true
        let chars = Array(line)
        for (k, c) in chars.enumerated() {
            let special: Bool
            switch c {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "~", "|": special = true
            // An entity (`&lt;`, `&#60;`) needs a letter, digit or # after the ampersand.
            case "&": special = k + 1 < chars.count && (chars[k + 1] == "#" || (chars[k + 1].isASCII && (chars[k + 1].isLetter || chars[k + 1].isNumber)))
            // Block markers count only at the start of a line; the text may be put there.
            case "#", "-", "+", "=": special = k == 0
            // `1. ` or `1) ` at the start would begin an ordered list.
            case ".", ")": special = k > 0 && digitsOnly
            default: special = false
            }
            digitsOnly = digitsOnly && c.isASCII && c.isNumber
            if special { out.append("\\") }
            out.append(c)
        }
        return out
    }

    func code(_ text: String) -> String {
        let line = oneLine(text)
        guard !line.isEmpty else { return "" }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: line) + 1)
        // A space on both sides when the content touches a backtick (CommonMark strips one each).
        let pad = line.first == "`" || line.last == "`" ? " " : ""
        return fence + pad + line + pad + fence
    }

    func strong(_ inline: String) -> String { "**" + inline + "**" }
    func tag(_ text: String, kind: String) -> String { strong(self.text(text)) }
    func heading(_ level: Int, _ inline: String) -> String { String(repeating: "#", count: level) + " " + inline + "\n\n" }
    func paragraph(_ inline: String) -> String { inline + "\n\n" }

    func list(_ items: [String]) -> String {
        guard !items.isEmpty else { return "" }
        var out = ""
        for item in items {
            var lines = item.split(separator: "\n", omittingEmptySubsequences: false)
            while lines.last?.isEmpty == true { lines.removeLast() }
            for (k, l) in lines.enumerated() {
                out += k == 0 ? "- " + l : (l.isEmpty ? "" : "  " + l)
                out += "\n"
            }
        }
        return out + "\n"
    }

    func codeBlock(_ text: String, language: String) -> String {
        var body = visibleControls(text)
        while let last = body.last, last.isWhitespace { body.removeLast() }
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: body) + 1))
        return fence + language + "\n" + body + "\n" + fence + "\n\n"
    }

    /// CommonMark's backslash hard line break.
    var lineBreak: String { "\\\n" }
    func begin(title: String) -> String { "" }
    func end() -> String { "" }
}

/// HTML5 markup for one page: every text escaped (`&`, `<`, `>`, `"`, `'`), CSS inline in the
/// head, no script and no external asset.
struct HTMLMarkup: Markup {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for c in visibleControls(text) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    func text(_ text: String) -> String { Self.escape(oneLine(text)) }
    func code(_ text: String) -> String {
        let line = oneLine(text)
        return line.isEmpty ? "" : "<code>" + Self.escape(line) + "</code>"
    }
    func strong(_ inline: String) -> String { "<strong>" + inline + "</strong>" }
    func tag(_ text: String, kind: String) -> String { "<span class=\"tag \(Self.escape(kind))\">" + Self.escape(text) + "</span>" }
    func heading(_ level: Int, _ inline: String) -> String { "<h\(level)>" + inline + "</h\(level)>\n" }
    func paragraph(_ inline: String) -> String { "<p>" + inline + "</p>\n" }
    func list(_ items: [String]) -> String {
        guard !items.isEmpty else { return "" }
        return "<ul>\n" + items.map { "<li>" + $0 + "</li>\n" }.joined() + "</ul>\n"
    }
    func codeBlock(_ text: String, language: String) -> String {
        var body = Substring(text)
        while let last = body.last, last.isWhitespace { body.removeLast() }
        let cls = language.isEmpty ? "" : " class=\"language-\(Self.escape(language))\""
        return "<pre><code\(cls)>" + Self.escape(String(body)) + "</code></pre>\n"
    }
    var lineBreak: String { "<br>\n" }

    /// Minimal CSS: readable widths, monospace evidence, severity colours.
    static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45;color:#1f2328;background:#fff}
    h1{font-size:1.5rem}h2{font-size:1.25rem;border-top:1px solid #d0d7de;padding-top:.8rem;margin-top:1.8rem}h3{font-size:1.05rem}h4{font-size:1rem;margin-bottom:.3rem}
    code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
    code{background:#f6f8fa;padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere}
    pre{background:#f6f8fa;padding:.6rem .8rem;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}
    pre code{background:none;padding:0}
    .tag{font-weight:600;padding:0 .35em;border-radius:4px}
    .critical{color:#fff;background:#a40e26}.error{color:#fff;background:#cf222e}.warning{background:#f2cc60}.info{background:#ddf4ff}
    .open{border:1px solid #1f2328}.resolved{color:#1a7f37;border:1px solid #1a7f37}.transient{color:#57606a;border:1px solid #57606a}
    """

    func begin(title: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>" + text(title) + "</title>\n<style>\n" + Self.style + "\n</style>\n</head>\n<body>\n"
    }
    func end() -> String { "</body>\n</html>\n" }
}

/// The longest run of `c` in `s` (0 when absent): a code fence must be longer.
func longestRun(of c: Character, in s: String) -> Int {
    var best = 0, run = 0
    for x in s {
        if x == c { run += 1; best = max(best, run) } else { run = 0 }
    }
    return best
}
