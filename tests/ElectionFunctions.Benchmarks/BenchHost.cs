using System.Text.Json.Nodes;
using System.Text;
using ElectionFunctions.LocalHost;
using ElectionFunctions.Security;

namespace ElectionFunctions.Benchmarks;

/// <summary>The local host on fresh emulators (<see cref="InProcessHost"/>), HTTP only (no pollers), with a token of the benchmark partner.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string Partner = "bench";

    private readonly TestIdentity _identity;

    private BenchHost(TestIdentity identity, InProcessHost host, string token) => (_identity, Host, Token) = (identity, host, token);

    public InProcessHost Host { get; }
    public string Token { get; }
    public HttpClient Http => Host.Http;
    public IServiceProvider Services => Host.Services;

    public static async Task<BenchHost> StartAsync()
    {
        var identity = new TestIdentity();
        var settings = new Dictionary<string, string?>
        {
            [LocalHostApp.TriggersSetting] = "false",
            // The load measures the intake path, not the partner's request limit (its check still runs on every request).
            [$"Partners:Registry:{Partner}:RequestsPerSecond"] = "1000000", [$"Partners:Registry:{Partner}:Burst"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        TestPartners.Register(settings, Partner, kind: "isac", state: null);
        var host = await InProcessHost.StartAsync(identity, settings, CancellationToken.None, clientTimeout: TimeSpan.FromSeconds(100), maxConnections: 128);
        return new BenchHost(identity, host, identity.Token(Partner, [AppRoles.Submit], TimeSpan.FromHours(2)));
    }

    /// <summary>The typical report with a title of its own, so each POST is a new report.</summary>
    public static byte[] Body(string run, int i)
    {
        var node = JsonNode.Parse(Template)!;
        node["title"] = $"Benchmark {run} {i}";
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static readonly byte[] Template = DecisionBenchmarks.MakeBody("typical-4KB");

    /// <summary>POST /api/reports; anything but 202 stops the run.</summary>
    public async Task PostAsync(byte[] body, CancellationToken ct)
    {
        using var request = TestPartners.Submission(body, Token);
        using var response = await Http.SendAsync(request, ct);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _identity.Dispose();
    }
}
