#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Turns the command line's paths into the inputs to read: `-` is stdin, a file is itself, a
/// folder is walked (sorted by path, hidden entries skipped). Symbolic links are followed, but a
/// folder or file reached twice (a link loop, or `/var/log/containers` links to files under
/// `/var/log/pods`) is read once: inputs are identified by device and inode.
public struct InputWalker {
    /// Paths that could not be opened or walked, with the reason.
    public private(set) var errors: [InputError] = []
    /// Paths given on the command line that do not exist (ENOENT; also in `errors`): `follow`
    /// waits for them to appear, as `tail -F` does.
    public private(set) var missing: [String] = []
    /// Notes for the reader (skipped loops and duplicates).
    public private(set) var notes: [String] = []
    /// Files in walked folders whose names say they are not logs (README.md, *.yaml, ...).
    public var skippedInFolders: Int { skipped.count }
    /// Their paths, in walking order.
    public private(set) var skipped: [String] = []
    /// Files the walk found inside the folders given (not given by name): one of them that is
    /// gone when its turn to be read comes was rotated away or deleted while the scan ran, which
    /// `LogScanner.walked` tells from a missing input.
    public private(set) var found: Set<String> = []
    /// Entries of walked folders that were gone by the time the walk looked at them (ENOENT
    /// from stat(2) after the folder listed them): deleted or rotated away meanwhile.
    public private(set) var vanished: [String] = []
    private var seenDirs: Set<[UInt64]> = []
    private var seenFiles: Set<[UInt64]> = []
    /// The paths `out` received, and those `otherPods` holds (a link and its target are one).
    private var given: Set<String> = []
    private var otherPodSet: Set<String> = []

    public init() {}

    /// The inputs, in argument order, folders expanded.
    public mutating func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        otherPods = []
        otherPodSet = []
        for p in paths {
            if p == "-" { out.append(p); continue }
            walk(p, into: &out, top: true)
        }
        if !otherPods.isEmpty { notes.append(Self.otherPodsNote(otherPods, files: "log file(s)")) }
        return out
    }

    /// What a note says of skipped `isOtherPod` paths: how many `files`, of how many pods, which
    /// pods (`namespace/pod`, the first five).
    static func otherPodsNote(_ paths: [String], files: String) -> String {
        let pods = Set(paths.compactMap { PodLogPath($0).map { "\($0.namespace)/\($0.pod)" } }).sorted()
        return "\(paths.count) \(files) of \(pods.count) pod(s) that are not Flux controllers were skipped (the /var/log/pods path names the pod; give a file by name to read it): \(InputWalker.some(pods))"
    }

    /// Files of a walked kubelet log tree whose pod is not a Flux controller's (`isOtherPod`).
    public private(set) var otherPods: [String] = []

    /// Whether `path` is a container log under the kubelet's layout
    /// (`<ns>_<pod>_<uid>/<container>/<n>.log`, `PodLogPath`) of a pod that no Flux controller's
    /// Deployment makes (`FluxControllers.controller(inName:)` finds none in the pod's name): an
    /// application's log in `/var/log/pods`, which a sidecar mounting the node's logs also sees.
    /// Its records are not Flux's: read, they made "No space left on device" and TLS incidents
    /// with `controllers: unknown` and flux-system commands.
    ///
    /// The kubelet's links in `/var/log/containers` (`<pod>_<namespace>_<container>-<id>.log`,
    /// `PodLogPath(containersLink:)`) name the pod too: a sidecar mounting the node's `/var/log`
    /// walks them (a trial: another operator's `connection refused` became a Flux incident
    /// through its link, while the note said its pod was skipped). A Flux pod is one that
    /// `FluxControllers.controller(pod:container:)` names.
    static func isOtherPod(_ path: String) -> Bool {
        guard let p = PodLogPath(path) ?? PodLogPath(containersLink: path) else { return false }
        return FluxControllers.controller(pod: p.pod, container: p.container) == nil
    }

    /// The path a symbolic link `path` resolves to, when it is a kubelet pod log
    /// (`PodLogPath`) and `path` is not; nil otherwise.
    static func podLogTarget(_ path: String) -> String? {
        guard PodLogPath(path) == nil, let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        let target = String(cString: real)
        return target != path && PodLogPath(target) != nil ? target : nil
    }

    /// In a walked folder or a tar bundle, which files are read: `*.log`, `*.txt`, `*.gz`, `*.tar`, `*.tgz`,
    /// kubelet's rotated `N.log.YYYYMMDD-hhmmss`, and names without an extension. A file given by
    /// name is always read.
    static func looksLikeLog(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        for ext in [".log", ".txt", ".gz", ".tar", ".tgz"] where name.hasSuffix(ext) { return true }
        if name.contains(".log.") { return true }
        return !name.contains(".")
    }

    /// The one warning for files of walked folders that were gone when the walk or the reading
    /// came to them (`vanished`, `ScanResult.vanished`): how many, and the first five. They are
    /// not input errors (exit status 2): they were rotated away or deleted while the scan ran,
    /// and what they held is in the files that replaced them, if anywhere. nil when there are none.
    public static func vanishedNote(_ paths: [String]) -> String? {
        guard !paths.isEmpty else { return nil }
        return "\(paths.count) file(s) in the folders given were gone when their turn came (deleted or rotated away while the scan ran; not read): \(some(paths))"
    }

    /// Up to `limit` of `names`, comma-separated, then how many more: what a warning names.
    public static func some(_ names: [String], limit: Int = 5) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? shown + " and \(names.count - limit) more" : shown
    }

    /// The file's device and inode, whether it is a folder, and what it is when it is neither a
    /// folder nor a regular file (`a named pipe`, `a socket`, `a device`), nil for those two.
    static func identity(_ path: String) -> (key: [UInt64], isDir: Bool, special: String?)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let type = st.st_mode & S_IFMT
        let special: String? = switch type {
        case S_IFDIR, S_IFREG: nil
        case S_IFIFO: "a named pipe"
        case S_IFSOCK: "a socket"
        default: "a device"
        }
        return ([UInt64(st.st_dev), UInt64(st.st_ino)], type == S_IFDIR, special)
    }

    mutating func walk(_ path: String, into out: inout [String], top: Bool) {
        guard let id = InputWalker.identity(path) else {
            let code = errno
            let reason = String(cString: strerror(code))
            if top, code == ENOENT { missing.append(path) }
            if top {
                errors.append(InputError(name: path, reason: reason))
            } else if code == ENOENT {
                // Listed by its folder, gone a moment later: a rotation's churn, one note for all
                // of them (`vanishedNote`), not one line each (a trial: 10,000 lines).
                vanished.append(path)
            } else {
                notes.append("\(path): skipped (\(reason))")
            }
            return
        }
        if !id.isDir {
            // A named pipe in a folder (Debian's /var/log/xconsole) blocked the walk's reader in
            // open(2) for ever, deaf to SIGTERM (a trial); a socket or a device is no log either.
            // One given by name is read (`flux-logscan /tmp/pipe`, as cat reads it).
            if !top, let special = id.special {
                notes.append("\(path): skipped, \(special), not a log file")
                return
            }
            if !top, !InputWalker.looksLikeLog(path) { skipped.append(path); return }
            // A link to a kubelet pod log (`/var/log/containers/...` → `/var/log/pods/...`) is read
            // under its target's name: the pod path tells its container's restarts.
            let path = InputWalker.podLogTarget(path) ?? path
            if !top, InputWalker.isOtherPod(path) {
                if otherPodSet.insert(path).inserted { otherPods.append(path) }
                return
            }
            if seenFiles.insert(id.key).inserted {
                out.append(path)
                given.insert(path)
                if !top { found.insert(path) }
            } else if !given.contains(path) {
                // The same file under the same name (its link was walked first) is not worth a note.
                notes.append("\(path): skipped, the same file is read once, under another name")
            }
            return
        }
        guard seenDirs.insert(id.key).inserted else {
            notes.append("\(path): skipped, a link back to a folder already walked")
            return
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            errors.append(InputError(name: path, reason: "cannot list the folder: \(error.localizedDescription)"))
            return
        }
        for name in entries.sorted() where !name.hasPrefix(".") {
            walk(path.hasSuffix("/") ? path + name : path + "/" + name, into: &out, top: false)
        }
    }
}

/// What the kubelet's log path says about a container's log file:
/// `/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log[.<YYYYMMDD-hhmmss>][.gz]`
/// (kubernetes `pkg/kubelet/kuberuntime/helpers.go` `BuildContainerLogsDirectory`,
/// `buildContainerLogsPath`; rotation suffix from `pkg/kubelet/logs/container_log_manager.go`).
public struct PodLogPath: Equatable, Sendable {
    public var namespace: String
    public var pod: String
    public var uid: String
    public var container: String
    /// The container's restart count when the file was written: a higher number is a later
    /// container of the same pod.
    public var restart: Int
    /// The rotation time suffix (`20240524-101026`), nil for the live file.
    public var rotated: String?

    /// Builds one from its parts (tests).
    public init(namespaceForTest namespace: String, pod: String, uid: String, container: String, restart: Int, rotated: String?) {
        self.namespace = namespace
        self.pod = pod
        self.uid = uid
        self.container = container
        self.restart = restart
        self.rotated = rotated
    }

    /// Parses a link of the kubelet's `/var/log/containers`: `<pod>_<namespace>_<container>-<id>.log`
    /// (kubernetes `pkg/kubelet/kuberuntime/kuberuntime_container.go` `logSymlink`: the pod's full
    /// name `<pod>_<namespace>`, the container's name, its 64-hex-digit id). nil for other names.
    /// The uid is unknown (empty) and the restart count 0.
    public init?(containersLink path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard name.hasSuffix(".log") else { return nil }
        let parts = name.dropLast(4).split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, let dash = parts[2].lastIndex(of: "-") else { return nil }
        let id = parts[2][parts[2].index(after: dash)...]
        guard id.count == 64, id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        pod = parts[0]
        namespace = parts[1]
        container = String(parts[2][..<dash])
        guard !container.isEmpty else { return nil }
        uid = ""
        restart = 0
        rotated = nil
    }

    /// Parses the last three components of a path; nil when they are not the kubelet layout.
    public init?(_ path: String) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 3 else { return nil }
        let dir = parts[parts.count - 3], container = parts[parts.count - 2], file = parts[parts.count - 1]
        let ids = dir.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard ids.count == 3, !ids[0].isEmpty, !ids[1].isEmpty, !ids[2].isEmpty else { return nil }
        var name = file
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let fileParts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard fileParts.count >= 2, fileParts[1] == "log", let restart = Int(fileParts[0]) else { return nil }
        namespace = ids[0]
        pod = ids[1]
        uid = ids[2]
        self.container = container
        self.restart = restart
        rotated = fileParts.count >= 3 ? fileParts[2] : nil
    }
}
