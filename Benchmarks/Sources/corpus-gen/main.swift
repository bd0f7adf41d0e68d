#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let usage = """
usage: corpus-gen [--size SIZE] [--errors PERCENT] [--seed N] [--out FILE|-] [--quiet] [--families]

Writes a deterministic corpus of Flux controller logs (controller-runtime JSON, current era) from
all five controller families: the same options give the same bytes on every machine.

  --size SIZE       how much to write (default 100MiB): 10MiB, 1GiB, 10GiB, 100MB, or bytes.
                    The corpus ends at the last whole line that fits.
  --errors PERCENT  share of lines written by failure families (default 3), 0 to 100.
  --seed N          the seed (default 42).
  --out FILE        write to FILE; `-` or no --out writes to standard output (streaming:
                    `corpus-gen --size 10GiB | flux-logscan`).
  --quiet           no summary on standard error.
  --families        list the failure families (name, FLUX-LOGS.md section, weight) and exit.
"""

struct Options {
    var size = 100 << 20
    var errorPercent = 3.0
    var seed: UInt64 = 42
    var outPath = "-"
    var quiet = false
}

func parseOptions() -> Options {
var o = Options()
var args = CommandLine.arguments.dropFirst()
func value(_ flag: String) -> String {
    guard let v = args.popFirst() else {
        printError("corpus-gen: \(flag) needs a value\n\(usage)\n")
        exit(2)
    }
    return v
}
while let arg = args.popFirst() {
    switch arg {
    case "--size":
        let v = value(arg)
        guard let s = parseSize(v) else { printError("corpus-gen: --size: not a size: \(v)\n"); exit(2) }
        o.size = s
    case "--errors":
        let v = value(arg)
        guard let p = Double(v), p >= 0, p <= 100 else { printError("corpus-gen: --errors: not a percentage: \(v)\n"); exit(2) }
        o.errorPercent = p
    case "--seed":
        let v = value(arg)
        guard let s = UInt64(v) else { printError("corpus-gen: --seed: not a number: \(v)\n"); exit(2) }
        o.seed = s
    case "--out", "-o": o.outPath = value(arg)
    case "--quiet", "-q": o.quiet = true
    case "--families":
        for f in Generator.families { print("\(f.name)\t\(f.section)\t\(f.weight)") }
        exit(0)
    case "--help", "-h": print(usage); exit(0)
    default:
        printError("corpus-gen: unknown argument \(arg)\n\(usage)\n")
        exit(2)
    }
}
return o
}

let options = parseOptions()
let (size, errorPercent, seed, outPath, quiet) = (options.size, options.errorPercent, options.seed, options.outPath, options.quiet)
signal(SIGPIPE, SIG_IGN)
let fd: Int32
if outPath == "-" {
    fd = 1
} else {
    fd = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { perror("corpus-gen: \(outPath)"); exit(1) }
}
let sink = Sink(fd: fd, limit: size)
let generator = Generator(seed: seed, errorShare: errorPercent / 100, sink: sink)
generator.run()
sink.flush()
if fd != 1 { close(fd) }

if !quiet && !sink.closedByReader {
    let g = generator
    let share = g.lines == 0 ? 0 : 100 * Double(g.failureLines) / Double(g.lines)
    var text = "corpus-gen: \(sink.total) bytes, \(g.lines) lines, \(g.failureLines) failure lines (\(String(share).prefix(5)) %), "
    text += "\(g.linesOver9K) lines over 9 KiB, longest \(g.longestLine) bytes; seed \(seed), errors \(errorPercent) %\n"
    for (i, f) in Generator.families.enumerated() {
        text += "corpus-gen:   \(f.name)\t\(g.familyLines[i])\n"
    }
    printError(text)
}
