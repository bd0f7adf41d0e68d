import Foundation
import PackagePlugin

/// Build-tool plugin: embeds every `Patterns/**/*.yaml` file of the package into the target as a
/// generated Swift source (`EmbeddedPatterns.swift`), so the installed binary needs no resource
/// folder. The YAML is parsed at run time by `PatternLoader`; this step only carries the text.
///
/// The tool walks `Patterns/` itself. The command's inputs are every YAML file and every folder
/// under `Patterns/`: a folder's modification time changes when a file is added or removed, so a
/// new pattern file is embedded on the next build even when SwiftPM reuses its build plan.
@main
struct EmbedPatterns: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let patterns = context.package.directoryURL.appending(path: "Patterns")
        var inputs: [URL] = [patterns]
        if let walker = FileManager.default.enumerator(at: patterns, includingPropertiesForKeys: [.isDirectoryKey]) {
            for case let url as URL in walker {
                let isDir = (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false
                if isDir || url.pathExtension == "yaml" || url.pathExtension == "yml" { inputs.append(url) }
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPatterns.swift")
        let tool = try context.tool(named: "pattern-embed")
        return [
            .buildCommand(
                displayName: "Embedding pattern files from Patterns/",
                executable: tool.url,
                arguments: [output.path, patterns.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
