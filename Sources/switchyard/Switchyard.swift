import ArgumentParser

/// The `switchyard` command: run the gateway and inspect its configuration.
@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "An LLM gateway: one OpenAI-compatible endpoint over every provider.",
        subcommands: [ServeCommand.self, ConfigCommand.self, ModelsCommand.self, CacheCommand.self, KeysCommand.self, ForecastCommand.self,
            RouterCommand.self],
        defaultSubcommand: ServeCommand.self)
}
