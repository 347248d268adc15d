using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ElectionFunctions.LocalHost;
using Microsoft.IdentityModel.Tokens;

[assembly: AssemblyFixture(typeof(ElectionFunctions.IntegrationTests.LocalStack))]

namespace ElectionFunctions.IntegrationTests;

/// <summary>The real local stack, once for the whole assembly (see <see cref="StackFixture"/>).</summary>
public sealed class LocalStack : StackFixture
{
    /// <summary>How long the TAXII collections hold back what was just added (Taxii:SettleDelay in this stack).</summary>
    public static readonly TimeSpan TaxiiSettle = TimeSpan.FromSeconds(1);
}

/// <summary>The same stack serving HTTP only: no pollers, so what the routes wrote stays where it was written.</summary>
public sealed class HttpOnlyStack : StackFixture
{
    protected override Dictionary<string, string?> Overrides => new() { [LocalHostApp.TriggersSetting] = "false" };
}

/// <summary>
/// The real local stack (<see cref="InProcessHost"/>): Azurite and the Cosmos emulator from node_modules on free
/// loopback ports, and the local host (the same function methods as the Functions app) on a free port, with the
/// suite's partners registered. Stopped, emulators included, when the run ends.
/// </summary>
public abstract class StackFixture : IAsyncLifetime, IScenarioStack
{
    public string Host => "local";

    private readonly TestIdentity _identity = new();
    private InProcessHost? _host;

    public HttpClient Http => _host!.Http;

    protected virtual Dictionary<string, string?> Overrides => [];
    public SecurityKey Key => _identity.Key;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            // The timer is tested by calling its handler; its schedule never fires during a run.
            ["PackageSchedule"] = "0 0 0 1 1 *",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Taxii:SettleDelay"] = "00:00:01",
        };
        TestPartners.RegisterAll(settings);
        foreach (var (key, value) in Overrides) settings[key] = value;
        _host = await InProcessHost.StartAsync(_identity, settings, TestContext.Current.CancellationToken);
    }

    public T Service<T>() where T : notnull => _host!.Service<T>();

    public string Token(string partner = TestPartners.Partner, string[]? roles = null, TimeSpan? lifetime = null, DateTimeOffset? now = null,
        string issuer = TestIdentity.Issuer, string audience = TestIdentity.Audience, SecurityKey? key = null) =>
        _identity.Token(partner, roles, lifetime, now, issuer, audience, key);

    public Task<HttpResponseMessage> SubmitAsync(string json, string? token = null, string? idempotencyKey = null, string contentType = "application/json") =>
        SubmitAsync(System.Text.Encoding.UTF8.GetBytes(json), token, idempotencyKey, contentType);

    public async Task<HttpResponseMessage> SubmitAsync(byte[] body, string? token = null, string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = TestPartners.Submission(body, token ?? Token(), contentType, idempotencyKey);
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetReportAsync(string reportId, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{reportId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token());
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Polls GET until the report is routed. Waits on progress: fails only when its status stops changing for a long while, or it fails.</summary>
    public async Task<JsonElement> WaitForRoutedAsync(string reportId, string partner = TestPartners.Partner)
    {
        var (last, since) = ("", DateTime.UtcNow);
        while (true)
        {
            var report = await GetReportAsync(reportId, Token(partner));
            var status = report.GetProperty("status").GetString()!;
            if (status == "routed") return report;
            Assert.NotEqual("failed", status);
            if (status != last) (last, since) = (status, DateTime.UtcNow);
            Assert.True(DateTime.UtcNow - since < TimeSpan.FromSeconds(90), $"report {reportId} stayed {status}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
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
        if (_host is not null) await _host.DisposeAsync();
        _identity.Dispose();
    }
}
