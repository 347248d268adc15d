using ElectionFunctions.Operations;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ElectionFunctions.LocalHost;
using ElectionFunctions.LocalHost.Emulators;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ElectionFunctions.IntegrationTests;

/// <summary>What a scenario needs of a running stack, whichever host serves it.</summary>
public interface IScenarioStack
{
    /// <summary>Which host: "local" or "functions".</summary>
    string Host { get; }
    HttpClient Http { get; }
    T Service<T>() where T : notnull;
    string Token(string partner = TestPartners.Partner, string[]? roles = null, TimeSpan? lifetime = null, DateTimeOffset? now = null,
        string issuer = TestIdentity.Issuer, string audience = TestIdentity.Audience, Microsoft.IdentityModel.Tokens.SecurityKey? key = null);
}

/// <summary>
/// The Functions app (functions/ElectionFunctions) under the real Azure Functions host, built from
/// ../shared/functions-host, on emulators of its own: the same function classes, bindings and host.json an
/// operator deploys, where the local host runs only the handlers. Short timer schedules, so the timers fire in a test.
/// </summary>
public sealed class RealHostStack : IAsyncLifetime, IScenarioStack
{
    public const string PackageSchedule = "*/20 * * * * *";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "electionfunctions-realhost-" + Guid.NewGuid().ToString("N")[..12]);
    private HostProcess? _host;
    private ServiceProvider? _services;
    private EmulatorProcesses? _emulators;
    private TestIdentity _identity = null!;

    public string Host => "functions";
    public EmulatorProcesses Emulators => _emulators!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The host's dll, built (or found in its cache) by ../shared/functions-host/build.</summary>
    public static string BuildHost()
    {
        var build = Path.Combine(EmulatorProcesses.RepositoryRoot(), "..", "shared", "functions-host", "build");
        if (!File.Exists(build))
            throw new InvalidOperationException($"{build} is missing: the real-host scenarios need ../shared/functions-host beside the checkout.");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(build);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var dll = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException($"functions-host/build failed: {stderr.Result}");
        return dll;
    }

    /// <summary>The built Functions app: the script root the host loads (host.json, functions.metadata, worker.config.json).</summary>
    public static string ScriptRoot()
    {
        // The test assembly is built in the same configuration as the app (Debug under make test).
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        var root = Path.Combine(EmulatorProcesses.RepositoryRoot(), "functions", "ElectionFunctions", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(root, "functions.metadata")) ? root
            : throw new InvalidOperationException($"The Functions app is not built at {root} (make test builds the solution first).");
    }

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        var dll = BuildHost();
        Directory.CreateDirectory(_folder);
        _identity = new TestIdentity(Path.Combine(_folder, "signing-key.pem"));
        _emulators = await EmulatorProcesses.StartAsync(storage: true, cosmos: true, NullLogger.Instance, cancel);

        var port = EmulatorProcesses.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _emulators.StorageConnectionString,
            ["Cosmos:Endpoint"] = _emulators.CosmosEndpoint!.AbsoluteUri,
            ["Cosmos:CreateIfNotExists"] = "true",
            [_identity.Setting.Key] = _identity.Setting.Value,
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000000",
            ["AzureAd:ClientId"] = TestIdentity.Audience,
            [Reporting.PackageHandler.ScheduleSetting] = PackageSchedule,
            [ReconciliationOptions.ScheduleSetting] = "*/5 * * * * *",
            [Acknowledgements.AcknowledgementOptions.ScheduleSetting] = "*/5 * * * * *",
            ["Reconciliation:StuckAfter"] = "00:00:30",
            // Short, so a Cosmos DB outage is answered (503) within seconds rather than after the SDK's full retries.
            ["Resilience:Timeout"] = "00:00:03",
            ["Resilience:MaxRetries"] = "1",
        };
        TestPartners.RegisterAll(settings);

        // The stores the app expects (in Azure the infrastructure creates them), and the test's own clients on them.
        var configuration = new ConfigurationManager();
        configuration.AddElectionSettingsDefaults();
        configuration.AddInMemoryCollection(settings);
        var services = new ServiceCollection().AddLogging();
        services.AddElectionFunctions(configuration);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(cancel);

        _host = HostProcess.Start(dll, _folder, settings, info =>
        {
            // The host runs Linux Consumption code paths when CONTAINER_NAME is set (its README); this is a plain host.
            info.Environment.Remove("CONTAINER_NAME");
            info.Environment["AzureWebJobsScriptRoot"] = ScriptRoot();
            info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
            info.Environment["AzureFunctionsWebHost__hostid"] = "ef-test-" + Guid.NewGuid().ToString("N")[..12];
            info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        }, keepLines: 2000);

        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        // Ready when an HTTP function answers: the host is up and the worker has indexed the functions. On a busy
        // machine that can take a while; it fails only if the host exits or nothing answers for five minutes.
        await _host.WaitHealthyAsync(Http.BaseAddress, TimeSpan.FromMinutes(5), "The Functions host", cancel);
    }

    public T Service<T>() where T : notnull => _services!.GetRequiredService<T>();

    public string Token(string partner = TestPartners.Partner, string[]? roles = null, TimeSpan? lifetime = null, DateTimeOffset? now = null,
        string issuer = TestIdentity.Issuer, string audience = TestIdentity.Audience, Microsoft.IdentityModel.Tokens.SecurityKey? key = null) =>
        _identity.Token(partner, roles, lifetime, now, issuer, audience, key);

    /// <summary>The host's last lines of output (for a failure message).</summary>
    public string Output() => _host?.Output(80) ?? "";

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        if (_services is not null) await _services.DisposeAsync();
        if (_emulators is not null) await _emulators.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
