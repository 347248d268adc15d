using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ElectionFunctions.LocalHost;
using ElectionFunctions.LocalHost.Emulators;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

[assembly: AssemblyFixture(typeof(ElectionFunctions.IntegrationTests.LocalStack))]

namespace ElectionFunctions.IntegrationTests;

/// <summary>The real local stack, once for the whole assembly (see <see cref="StackFixture"/>).</summary>
public sealed class LocalStack : StackFixture;

/// <summary>The same stack serving HTTP only: no pollers, so what the routes wrote stays where it was written.</summary>
public sealed class HttpOnlyStack : StackFixture
{
    protected override Dictionary<string, string?> Overrides => new() { [LocalHostApp.TriggersSetting] = "false" };
}

/// <summary>
/// The real local stack: Azurite and the Cosmos emulator from
/// node_modules on free loopback ports, and the local host (the same handlers as the Functions app)
/// on a free port. Stopped, emulators included, when the run ends.
/// </summary>
public abstract class StackFixture : IAsyncLifetime, IScenarioStack
{
    public string Host => "local";

    public const string Partner = "test-partner";
    public const string Issuer = "https://electionfunctions.local/development/v2.0";
    public const string Audience = "electionfunctions-local";

    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"electionfunctions-test-{Guid.NewGuid():N}.pem");
    private WebApplication? _app;
    private EmulatorProcesses? _emulators;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Registered partners: the one the tests act as, another for isolation, and one per fixture-specific use.</summary>
    public static readonly string[] Partners = [Partner, "other-partner", "hostile-partner"];

    /// <summary>Registered with 1 request per second and a burst of 3.</summary>
    public const string LimitedPartner = "limited-partner";

    protected virtual Dictionary<string, string?> Overrides => [];
    public SecurityKey Key { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        DevelopmentTokens.EnsureKey(_keyFile);
        Key = DevelopmentAuthOptions.LoadKey(_keyFile);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            [$"{DevelopmentAuthOptions.Section}:SigningKeyFile"] = _keyFile,
            // The timer is tested by calling its handler; its schedule never fires during a run.
            ["PackageSchedule"] = "0 0 0 1 1 *",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        RegisterPartners(settings);
        foreach (var (key, value) in Overrides) settings[key] = value;
        (_app, _emulators) = await LocalHostApp.BuildAsync([], settings, TestContext.Current.CancellationToken);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    }

    public T Service<T>() where T : notnull => _app!.Services.GetRequiredService<T>();

    /// <summary>
    /// The suite's partners (<see cref="Partners"/>), whose request limit is out of the way (they share a stack and send in
    /// bursts from tests running at once), and <see cref="LimitedPartner"/> with its own small limit (the registry's override).
    /// </summary>
    public static void RegisterPartners(IDictionary<string, string?> settings)
    {
        foreach (var partner in Partners) Register(settings, partner);
        settings["RateLimit:RequestsPerSecond"] = "100000";
        settings["RateLimit:Burst"] = "100000";
        Register(settings, LimitedPartner);
        settings[$"Partners:Registry:{LimitedPartner}:RequestsPerSecond"] = "1";
        settings[$"Partners:Registry:{LimitedPartner}:Burst"] = "3";
    }

    /// <summary>Adds <paramref name="partner"/> to the partner registry in <paramref name="settings"/> (a Georgia election office).</summary>
    public static void Register(IDictionary<string, string?> settings, string partner)
    {
        settings[$"Partners:Registry:{partner}:DisplayName"] = partner;
        settings[$"Partners:Registry:{partner}:Kind"] = "state-election-office";
        settings[$"Partners:Registry:{partner}:State"] = "GA";
    }

    public string Token(string partner = Partner, string[]? roles = null, TimeSpan? lifetime = null, DateTimeOffset? now = null,
        string issuer = Issuer, string audience = Audience, SecurityKey? key = null) =>
        DevelopmentTokens.Create(key ?? Key, issuer, audience, partner,
            roles ?? [AppRoles.Submit, AppRoles.Read], now ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromMinutes(10));

    public Task<HttpResponseMessage> SubmitAsync(string json, string? token = null, string? idempotencyKey = null, string contentType = "application/json") =>
        SubmitAsync(System.Text.Encoding.UTF8.GetBytes(json), token, idempotencyKey, contentType);

    public Task<HttpResponseMessage> SubmitAsync(byte[] body, string? token = null, string? idempotencyKey = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token());
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetReportAsync(string reportId, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{reportId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token());
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Polls GET until the report reaches <paramref name="status"/>; fails after <paramref name="within"/>.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string reportId, string status, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var report = await GetReportAsync(reportId);
            if (report.GetProperty("status").GetString() == status) return report;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Report {reportId} still '{report.GetProperty("status").GetString()}' after {within.TotalSeconds}s; wanted '{status}'.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        if (_emulators is not null) await _emulators.DisposeAsync();
        File.Delete(_keyFile);
    }
}
