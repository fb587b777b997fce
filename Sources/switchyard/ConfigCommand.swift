import ArgumentParser
import SwitchyardConfiguration
import SwitchyardServer

/// `switchyard config check FILE`: validate a configuration and print the resolved model table.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect configuration files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Validate a configuration file and print its model table.")

        @Argument(help: "The YAML configuration file.")
        var file: String

        func run() async throws {
            let configuration: GatewayConfiguration
            do {
                configuration = try ConfigurationLoader().loadFile(file)
            } catch let error as ConfigurationError {
                throw ValidationError("\(file): \(error)")
            }
            let routers: [String]
            do {
                routers = try RouterService.check(configuration)
            } catch let error as ConfigurationError {
                throw ValidationError("\(file): \(error)")
            }
            print("\(file): OK (\(configuration.providers.count) providers, \(configuration.models.count) models)")
            print(ModelTable(configuration: configuration).render())
            for router in routers { print("router " + router) }
        }
    }
}

/// `switchyard models`: list the public models of a configuration (or of the embedded default).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the public models of a configuration.")

    @Option(name: .long, help: "YAML configuration file (default: $SWITCHYARD_CONFIG, else the embedded default).")
    var config: String?

    func run() async throws {
        let configuration: GatewayConfiguration
        do {
            configuration = try await ConfigurationLoader().load(path: config)
        } catch let error as ConfigurationError {
            throw ValidationError("invalid configuration: \(error)")
        }
        print("# \(configuration.origin)")
        print(ModelTable(configuration: configuration).render())
    }
}
