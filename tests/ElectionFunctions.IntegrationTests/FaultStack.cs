using ElectionFunctions.LocalHost;
using ElectionFunctions.LocalHost.Emulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ElectionFunctions.IntegrationTests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<FaultStack>
{
    /// <summary>Runs alone, after the parallel tests: the faults stop processes and the load needs the cores.</summary>
    public const string Name = "faults";
}

/// <summary>
/// A stack of its own for the fault tests: Azurite keeping its data on disk (so it can be stopped and
/// started), the Cosmos DB emulator with its outage switch, and the local host as a separate process
/// (so it can be killed). Leases and thresholds are shortened so that recovery fits in a test.
/// </summary>
public sealed class FaultStack : IAsyncLifetime
{
    public const string Partner = "fault-partner";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "electionfunctions-faults-" + Guid.NewGuid().ToString("N")[..12]);
    private HostProcess? _host;
    private ServiceProvider? _services;
    private Dictionary<string, string?> _settings = [];
    private TestIdentity _identity = null!;

    public EmulatorProcesses Emulators { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Path.Combine(_folder, "azurite"));
        _identity = new TestIdentity(Path.Combine(_folder, "signing-key.pem"));
        Emulators = await EmulatorProcesses.StartAsync(storage: true, cosmos: true, NullLogger.Instance, cancel, Path.Combine(_folder, "azurite"));

        var port = EmulatorProcesses.FreePort();
        _settings = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["AzureWebJobsStorage"] = Emulators.StorageConnectionString,
            ["Cosmos:Endpoint"] = Emulators.CosmosEndpoint!.AbsoluteUri,
            [_identity.Setting.Key] = _identity.Setting.Value,
            ["PackageSchedule"] = "0 0 0 1 1 *",
            // Shortened so that recovery from a crash fits in a test: a message being handled comes back
            // after 10 s, a dead attempt's claims run out after 5 s, reconciliation looks every 5 s for
            // reports unchanged for 20 s.
            [LocalHostApp.ProcessingLeaseSetting] = "00:00:10",
            ["Routing:ClaimLease"] = "00:00:05",
            ["ReconcileSchedule"] = "*/5 * * * * *",
            ["Reconciliation:StuckAfter"] = "00:00:20",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        TestPartners.Register(_settings, Partner);
        await StartHostAsync(cancel);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        // The test's own clients on the same stores, to look at what the host did.
        var configuration = new ConfigurationManager();
        LocalHostApp.Configure(configuration, _settings);
        var services = new ServiceCollection().AddLogging();
        services.AddElectionFunctions(configuration);
        _services = services.BuildServiceProvider();
    }

    public T Service<T>() where T : notnull => _services!.GetRequiredService<T>();

    public string Token() => _identity.Token(Partner, lifetime: TimeSpan.FromMinutes(30));

    /// <summary>The local host as its own process, as `make run` starts it; ready when /api/health answers 200.</summary>
    public async Task StartHostAsync(CancellationToken cancellationToken)
    {
        // An empty folder: no local.settings.json is read, only these settings.
        _host = HostProcess.Start(Path.Combine(AppContext.BaseDirectory, "ElectionFunctions.LocalHost.dll"), _folder, _settings);
        await _host.WaitHealthyAsync(new Uri(_settings["urls"]!), TimeSpan.FromSeconds(120), "The local host", cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown, no lease given back, handlers stopped wherever they were.</summary>
    public async Task KillHostAsync()
    {
        await _host!.DisposeAsync();
        _host = null;
    }

    public string HostOutput() => _host?.Output() ?? "(the host is not running)";

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        if (_services is not null) await _services.DisposeAsync();
        if (Emulators is not null) await Emulators.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
