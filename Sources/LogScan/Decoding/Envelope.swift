/// What wraps one line's payload, peeled in the order the writers nest them (FLUX-LOGS.md 2, 6.1):
/// `kubectl logs --prefix` or a stern-style `POD CONTAINER ` prefix outside, then the kubelet
/// timestamp of `--timestamps` or a CRI record header, or a Docker json-file object.
public struct Envelope: Sendable, Equatable {
    /// What the line is as a whole.
    public enum Kind: Sendable, Equatable {
        /// A log record's payload (possibly a fragment, see `fragment`).
        case record
        /// `==> path <==`, the header `tail` writes before each file's lines: the path names the
        /// stream that follows (GNU coreutils `tail`, several files).
        case header(path: String)
        /// kubectl's `Found N pods, using pod/NAME` notice (kubectl `logs.go`), not a record.
        case notice(pod: String)
    }

    public var kind: Kind = .record
    /// Pod and container from `kubectl logs --prefix`: `[pod/<pod>/<container>] `
    /// (kubernetes/kubectl `pkg/cmd/logs/logs.go` `addPrefixIfNeeded`), or from a stern/kail
    /// `<pod> <container> ` prefix.
    public var pod: String?
    public var container: String?
    /// The envelope's time: kubelet's `--timestamps` (RFC3339Nano, 9 fraction digits), a CRI
    /// record's time (RFC3339Nano, trailing zeros trimmed) or Docker's `time`, in UTC.
    public var time: Timestamp?
    /// Byte offset of the payload within the line (when `ownedPayload` is nil).
    public var payloadOffset = 0
    /// The payload when it had to be decoded out of the line (Docker json-file `log`).
    public var ownedPayload: [UInt8]?
    /// True for a fragment of a longer line: a CRI `P` record or a Docker chunk whose `log` lacks
    /// the final `\n` (containerd `internal/cri/io/logger.go`; moby `daemon/logger/copier.go`).
    public var fragment = false
    /// The CRI or Docker stream (`stdout`/`stderr`), used to re-join fragments per stream.
    public var stream: String?

    /// Peels every envelope it recognises. Never fails: a line with no envelope is all payload.
    public static func peel(_ line: UnsafeRawBufferPointer) -> Envelope {
        var env = Envelope()
        if let path = tailHeader(line) { env.kind = .header(path: path); return env }
        if let pod = kubectlNotice(line) { env.kind = .notice(pod: pod); return env }
        var i = 0
        if let (pod, container, next) = kubectlPrefix(line) {
            env.pod = pod; env.container = container; i = next
        } else if let (pod, container, next) = sternPrefix(line) {
            env.pod = pod; env.container = container; i = next
        }
        // <RFC3339Nano><space>: kubectl --timestamps, or the start of a CRI record. A console-
        // encoded record starts with its own timestamp and a TAB, so it is not peeled here.
        if line.count - i > 20, isDigit(line[i]) {
            let rest = UnsafeRawBufferPointer(rebasing: line[i...])
            if let (t, len) = Timestamp.parsePrefix(rest), len < rest.count, rest[len] == 32 {
                env.time = t
                i += len + 1
                // CRI record: `<ts> stdout|stderr F|P <content>` (kubelet logs.go parseCRILog).
                if line.count - i >= 9 {
                    let s = UnsafeRawBufferPointer(rebasing: line[i..<(i + 9)])
                    let isStream = s.starts(with: "stdout ".utf8) || s.starts(with: "stderr ".utf8)
                    if isStream, s[7] == UInt8(ascii: "F") || s[7] == UInt8(ascii: "P"), s[8] == 32 {
                        env.stream = s[5] == UInt8(ascii: "t") ? "stdout" : "stderr"
                        env.fragment = s[7] == UInt8(ascii: "P")
                        i += 9
                    }
                }
            }
        }
        // Docker json-file: {"log":"<content>\n","stream":"stderr","time":"..."} (kubelet
        // parseDockerJSONLog; moby jsonfilelog).
        if env.stream == nil, line.count - i > 9, line[i] == UInt8(ascii: "{"),
           UnsafeRawBufferPointer(rebasing: line[i..<(i + 7)]).elementsEqual("{\"log\":".utf8),
           let members = JSONScanner.parseObject(UnsafeRawBufferPointer(rebasing: line[i...])) {
            var log: String?
            for (k, v) in members {
                switch k {
                case "log": log = v.string
                case "stream": env.stream = v.string
                case "time": if let s = v.string, let t = Timestamp.parse(s) { env.time = t }
                default: break
                }
            }
            if let log {
                var bytes = Array(log.utf8)
                if bytes.last == 10 { bytes.removeLast() } else { env.fragment = true }
                if !env.fragment, bytes.last == 13 { bytes.removeLast() }
                env.ownedPayload = bytes
                env.stream = env.stream ?? "stdout"
            }
        }
        env.payloadOffset = i
        return env
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    static func text(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: b[r]), as: UTF8.self)
    }

    /// `[pod/NAME/CONTAINER] ` → (pod, container, payload offset).
    static func kubectlPrefix(_ line: UnsafeRawBufferPointer) -> (String, String, Int)? {
        guard line.count > 7, line.starts(with: "[pod/".utf8) else { return nil }
        var j = 5, slash = -1
        while j < line.count, j < 512, line[j] != UInt8(ascii: "]") {
            if line[j] == UInt8(ascii: "/") { slash = j }
            if line[j] == 32 { return nil }
            j += 1
        }
        guard j + 1 < line.count, line[j] == UInt8(ascii: "]"), slash > 5, line[j + 1] == 32 else { return nil }
        return (text(line, 5..<slash), text(line, (slash + 1)..<j), j + 2)
    }

    /// stern/kail `POD CONTAINER ` prefix (stern's `NAMESPACE POD CONTAINER ` too), accepted when the pod name is a DNS-1123 name with a
    /// dash (a pod of a Deployment always has one) and what follows is `{` or a timestamp, or,
    /// before any other payload (klog, a Go panic, plain text), when the pod name is a Flux
    /// controller's Deployment pod (`kustomize-controller-5f7c9b8d7-abcde`: name, ReplicaSet hash,
    /// five-character suffix): a trial's stern-prefixed panic was read as the pod before's.
    static func sternPrefix(_ line: UnsafeRawBufferPointer) -> (String, String, Int)? {
        func token(_ from: Int) -> Int? {
            var j = from
            while j < line.count, j - from < 253 {
                let c = line[j]
                let ok = (c >= 97 && c <= 122) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
                if !ok { break }
                j += 1
            }
            return j > from && j < line.count && line[j] == 32 ? j : nil
        }
        // `POD CONTAINER `, or with stern's namespace column (`NAMESPACE POD CONTAINER `: stern
        // prints it with --all-namespaces or several namespaces, cmd/cmd.go's template; a trial's
        // `stern -A` capture was read as plain text, its times and objects lost).
        func prefix(from start: Int) -> (String, String, Int)? {
            guard let podEnd = token(start), let containerEnd = token(podEnd + 1) else { return nil }
            let next = containerEnd + 1
            guard next < line.count else { return nil }
            let pod = UnsafeRawBufferPointer(rebasing: line[start..<podEnd])
            guard pod.contains(UInt8(ascii: "-")), !isDigit(line[start]) else { return nil }
            let followedByRecord = line[next] == UInt8(ascii: "{")
                || (isDigit(line[next]) && Timestamp.parsePrefix(UnsafeRawBufferPointer(rebasing: line[next...])) != nil)
            let name = text(line, start..<podEnd)
            guard followedByRecord || (isDeploymentPod(name) && FluxControllers.controller(inName: name) != nil) else { return nil }
            return (name, text(line, (podEnd + 1)..<containerEnd), next)
        }
        if let found = prefix(from: 0) { return found }
        // A namespace is a DNS-1123 label: no dot.
        guard let namespaceEnd = token(0), !line[0..<namespaceEnd].contains(UInt8(ascii: ".")) else { return nil }
        return prefix(from: namespaceEnd + 1)
    }

    /// Whether `name` reads as a Deployment's pod: `<deployment>-<pod-template-hash>-<suffix>`,
    /// the hash 6 to 10 and the suffix 5 characters of the alphabet Kubernetes draws both from,
    /// `bcdfghjklmnpqrstvwxz2456789` (k8s.io/apimachinery `util/rand` `String` and
    /// `SafeEncodeString`: no vowels, no 0, 1 or 3), so that words of a sentence do not read as one.
    static func isDeploymentPod(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, let hash = parts.dropLast().last else { return false }
        let alphabet = Set("bcdfghjklmnpqrstvwxz2456789".utf8)
        func drawn(_ s: Substring) -> Bool { s.utf8.allSatisfy(alphabet.contains) }
        return last.count == 5 && drawn(last) && (6...10).contains(hash.count) && drawn(hash)
    }

    /// `==> path <==` → path.
    static func tailHeader(_ line: UnsafeRawBufferPointer) -> String? {
        guard line.count > 8, line.starts(with: "==> ".utf8),
              UnsafeRawBufferPointer(rebasing: line[(line.count - 4)...]).elementsEqual(" <==".utf8) else { return nil }
        return text(line, 4..<(line.count - 4))
    }

    /// `Found N pods, using pod/NAME` → NAME.
    static func kubectlNotice(_ line: UnsafeRawBufferPointer) -> String? {
        guard line.count > 20, line.starts(with: "Found ".utf8) else { return nil }
        let s = String(decoding: line, as: UTF8.self)
        guard let r = s.range(of: " pods, using pod/"), s.dropFirst(6).prefix(while: \.isNumber).count > 0 else { return nil }
        let pod = s[r.upperBound...]
        return pod.contains(" ") ? nil : String(pod)
    }

    /// Whether `line` is the header row of a `kubectl get` or `flux get` table (a support
    /// bundle's status snapshots: `NAMESPACE  NAME  REVISION  SUSPENDED  READY  MESSAGE`,
    /// `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`): column names in capitals (kubectl's table
    /// printer, k8s.io/cli-runtime `printers/tableprinter.go`, upper-cases them; flux's CLI
    /// prints `NAME`, `REVISION`, ... the same way), the first `NAME`, `NAMESPACE` or `LAST SEEN`,
    /// at least three, apart by two or more spaces or a tab. Such a file holds no log records:
    /// its rows have no time, and read as records they were dated at the file's time.
    static func isTableHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count >= 12, line.count <= 400 else { return false }
        var columns: [[UInt8]] = [[]]
        var i = 0
        while i < line.count {
            let b = line[i]
            if b == 9 || (b == 32 && i + 1 < line.count && (line[i + 1] == 32 || line[i + 1] == 9)) {
                // Two or more blanks: the next column.
                while i < line.count, line[i] == 32 || line[i] == 9 { i += 1 }
                if !columns[columns.count - 1].isEmpty { columns.append([]) }
                continue
            }
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "("), UInt8(ascii: ")"), 32:
                columns[columns.count - 1].append(b)
            case 13 where i == line.count - 1: break
            default: return false
            }
            i += 1
        }
        let names = columns.map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty && $0.first != " " }
        guard names.count >= 3, names.count == columns.filter({ !$0.isEmpty }).count else { return false }
        return names[0] == "NAME" || names[0] == "NAMESPACE" || names[0] == "LAST SEEN"
    }
}
