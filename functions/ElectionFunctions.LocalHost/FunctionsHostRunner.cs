using System.Diagnostics;
using System.Runtime.InteropServices;
using ElectionFunctions.LocalHost.Emulators;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;

namespace ElectionFunctions.LocalHost;

/// <summary>
/// <c>make run</c> with the real Azure Functions runtime: the emulators, the development key and the stores prepared
/// as the local host prepares them, then a host command (the host built from ../shared/functions-host, or
/// <c>func start</c>) started with the same settings as app settings, until Ctrl-C stops it and the emulators.
/// </summary>
public static class FunctionsHostRunner
{
    /// <summary><c>host &lt;script root&gt; &lt;command&gt; [arguments…]</c>: what to run, and which runtime it is (for the banner).</summary>
    public static async Task<int> RunAsync(string name, string scriptRoot, string[] command, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(LocalHostApp.Defaults(), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in LocalHostApp.LocalSettings()) settings[key] = value;
        foreach (var key in settings.Keys.Where(k => Environment.GetEnvironmentVariable(k.Replace(":", "__")) is { } v).ToList())
            settings[key] = Environment.GetEnvironmentVariable(key.Replace(":", "__"));

        using var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        await using var emulators = await EmulatorProcesses.StartAsync(
            string.IsNullOrEmpty(settings.GetValueOrDefault(QueueNames.Connection)), string.IsNullOrEmpty(settings.GetValueOrDefault("Cosmos:Endpoint")),
            loggerFactory.CreateLogger<EmulatorProcesses>(), cancellationToken);
        if (emulators.StorageConnectionString is { } storage) settings[QueueNames.Connection] = storage;
        if (emulators.CosmosEndpoint is { } cosmos) settings["Cosmos:Endpoint"] = cosmos.AbsoluteUri;
        if (settings.GetValueOrDefault($"{DevelopmentAuthOptions.Section}:SigningKeyFile") is { Length: > 0 } keyFile) DevelopmentTokens.EnsureKey(keyFile);

        // The stores the app expects (in Azure the infrastructure creates them; the Functions app does not).
        var configuration = new ConfigurationManager();
        configuration.AddElectionSettingsDefaults();
        configuration.AddInMemoryCollection(settings);
        var services = new ServiceCollection().AddLogging();
        services.AddElectionFunctions(configuration);
        await using (var provider = services.BuildServiceProvider())
            await provider.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(cancellationToken);

        var url = settings["urls"]!;
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, WorkingDirectory = scriptRoot };
        foreach (var argument in command[1..]) info.ArgumentList.Add(argument);
        // Linux Consumption code paths run when CONTAINER_NAME is set (functions-host README); this is a developer's machine.
        info.Environment.Remove("CONTAINER_NAME");
        foreach (var (key, value) in settings.Where(s => s.Key != "urls" && !s.Key.StartsWith("LocalHost:", StringComparison.Ordinal)))
            info.Environment[key.Replace(":", "__")] = value;
        info.Environment["AzureWebJobsScriptRoot"] = scriptRoot;
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        info.Environment["AzureFunctionsWebHost__hostid"] = "electionfunctions-local";
        info.Environment["ASPNETCORE_URLS"] = url;
        info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        using var host = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command[0]}.");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Ctrl-C, or a SIGTERM from a supervisor: stop the host, then the emulators (the finally and the await using).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            await WaitHealthyAsync(new Uri(url), host, stop.Token);
            Console.WriteLine($"""

                ElectionFunctions: {name} running functions/ElectionFunctions on {url}
                  routes:   POST /api/reports   GET /api/reports/{"{reportId}"}   POST /api/elections/{"{electionId}"}/package
                            TAXII 2.1 under /taxii2/ (docs/taxii.md): make token PARTNER=dhs-app ROLES="Agency.DHS" for an agency
                  token:    make token            (partner demo-partner, roles Reports.Submit Reports.Read)
                  storage:  {settings[QueueNames.Connection]}
                  cosmos:   {settings["Cosmos:Endpoint"]}
                  Ctrl-C stops the host and the emulators.

                """);
            await host.WaitForExitAsync(stop.Token);
            return host.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    private static async Task WaitHealthyAsync(Uri url, Process host, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            if (host.HasExited) throw new InvalidOperationException($"The host exited with code {host.ExitCode} before it answered.");
            try
            {
                using var health = await probe.GetAsync("/api/health", cancellationToken);
                if (health.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            await Task.Delay(500, cancellationToken);
        }
    }
}
