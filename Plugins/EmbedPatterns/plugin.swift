import Foundation
import PackagePlugin

/// Build-tool plugin: embeds every `Patterns/**/*.yaml` file of the package into the target as a
/// generated Swift source (`EmbeddedPatterns.swift`), so the installed binary needs no resource
/// folder. The YAML is parsed at run time by `PatternLoader`; this step only carries the text.
@main
struct EmbedPatterns: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let patterns = context.package.directoryURL.appending(path: "Patterns")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: patterns, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "yaml" || url.pathExtension == "yml" {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPatterns.swift")
        let tool = try context.tool(named: "pattern-embed")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) pattern files",
                executable: tool.url,
                arguments: [output.path, patterns.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
