using ElectionFunctions.Operations;
using System.Text.Json;
using ElectionFunctions.LocalHost.Emulators;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;

namespace ElectionFunctions.LocalHost;

/// <summary>
/// The local stand-in for the Functions host: the Functions app's own routes, queues and timers (read from its
/// attributes by <see cref="FunctionTriggers"/>) on Kestrel, pollers and timers, calling the same function methods.
/// Starts the emulators when no endpoints are configured.
/// </summary>
public static class LocalHostApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    public const string TriggersSetting = "LocalHost:Triggers";
    /// <summary>How long a message being handled stays invisible; after a crash it comes back this much later.</summary>
    public const string ProcessingLeaseSetting = "LocalHost:ProcessingLease";

    /// <summary>Settings the local host uses unless local.settings.json, the environment or the caller says otherwise.</summary>
    public static Dictionary<string, string?> Defaults() => new()
    {
        ["urls"] = DefaultUrl,
        ["PackageSchedule"] = "0 0 6 * * *",
        [ReconciliationOptions.ScheduleSetting] = "0 */5 * * * *",
        [Acknowledgements.AcknowledgementOptions.ScheduleSetting] = "0 * * * * *",
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000000",
        ["AzureAd:ClientId"] = "electionfunctions-local",
        [$"{DevelopmentAuthOptions.Section}:SigningKeyFile"] = DevelopmentTokens.DefaultKeyFile,
        ["Cosmos:CreateIfNotExists"] = "true",
        ["Partners:Registry:demo-partner:DisplayName"] = "Demo partner (local development)",
        ["Partners:Registry:demo-partner:Kind"] = "state-election-office",
        ["Partners:Registry:demo-partner:State"] = "GA",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Azure"] = "Warning",
        // Identity.Web pulls in DataProtection; the local host stores no protected data.
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
    };

    /// <summary>Layers: the data files (electionsettings.json, classification-rules.json), local host defaults, local.settings.json "Values", environment, overrides.</summary>
    public static void Configure(IConfigurationManager configuration, IDictionary<string, string?>? overrides = null)
    {
        configuration.AddElectionSettingsDefaults();
        var afterDataFiles = ElectionSettings.Files.Length;
        configuration.Sources.Insert(afterDataFiles, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults() });
        configuration.Sources.Insert(afterDataFiles + 1, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings() });
        if (overrides is not null) configuration.AddInMemoryCollection(overrides);
    }

    /// <summary>local.settings.json's "Values" in the current folder, if there is one ('__' read as ':', as app settings are).</summary>
    public static Dictionary<string, string?> LocalSettings()
    {
        var localSettings = Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json");
        if (!File.Exists(localSettings)) return [];
        using var json = JsonDocument.Parse(File.ReadAllText(localSettings));
        return json.RootElement.TryGetProperty("Values", out var v)
            ? v.EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":"), p => (string?)p.Value.ToString())
            : [];
    }

    public static async Task<(WebApplication App, EmulatorProcesses Emulators)> BuildAsync(string[] args, IDictionary<string, string?>? overrides, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = Environments.Production });
        Configure(builder.Configuration, overrides);

        using var loggerFactory = LoggerFactory.Create(l => l.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole());
        var needStorage = string.IsNullOrEmpty(builder.Configuration[QueueNames.Connection]);
        var needCosmos = string.IsNullOrEmpty(builder.Configuration["Cosmos:Endpoint"]);
        var emulators = await EmulatorProcesses.StartAsync(needStorage, needCosmos, loggerFactory.CreateLogger<EmulatorProcesses>(), cancellationToken);
        try
        {
            return (await BuildAsync(builder, emulators, cancellationToken), emulators);
        }
        catch
        {
            await emulators.DisposeAsync();
            throw;
        }
    }

    private static async Task<WebApplication> BuildAsync(WebApplicationBuilder builder, EmulatorProcesses emulators, CancellationToken cancellationToken)
    {
        var started = new Dictionary<string, string?>();
        if (emulators.StorageConnectionString is { } storage) started[QueueNames.Connection] = storage;
        if (emulators.CosmosEndpoint is { } cosmos) started["Cosmos:Endpoint"] = cosmos.AbsoluteUri;
        builder.Configuration.AddInMemoryCollection(started);

        if (builder.Configuration[$"{DevelopmentAuthOptions.Section}:SigningKeyFile"] is { Length: > 0 } keyFile)
            DevelopmentTokens.EnsureKey(keyFile);

        builder.Services.AddElectionFunctions(builder.Configuration);
        builder.Services.AddProblemDetails();
        // Every trigger as the Functions app declares it (FunctionTriggers): the same routes, queues and schedules.
        var hostJson = Path.Combine(AppContext.BaseDirectory, "host.json");
        var functions = FunctionTriggers.Read(FunctionTriggers.App);
        // LocalHost:Triggers=false serves HTTP only (the queues then keep what the routes wrote, for inspection).
        if (builder.Configuration.GetValue(TriggersSetting, true))
        {
            var queueOptions = QueueHostOptions.FromHostJson(hostJson);
            if (builder.Configuration.GetValue<TimeSpan?>(ProcessingLeaseSetting) is { } lease) queueOptions.ProcessingLease = lease;
            FunctionTriggers.AddTriggers(builder.Services, functions, queueOptions);
        }

        var app = builder.Build();
        // The Functions app's ProblemsMiddleware, on Kestrel: one mapping (ExceptionProblems), no stack traces to callers.
        var problemsLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ElectionFunctions.LocalHost.Problems");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e)
            {
                if (!await Http.ExceptionProblems.TryWriteAsync(context, e, problemsLogger)) throw;
            }
        });
        app.UseRouting();
        FunctionTriggers.UseCallerGate(app);
        FunctionTriggers.MapHttp(app, functions, FunctionTriggers.RoutePrefix(hostJson));

        await app.Services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(cancellationToken);
        return app;
    }
}
