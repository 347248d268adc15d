using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ElectionFunctions.LocalHost;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.IntegrationTests;

/// <summary>Every outbound call has a timeout: storage that accepts connections and never answers is a 503, not a hung request.</summary>
public sealed class TimeoutTests(LocalStack stack)
{
    [Fact]
    public async Task Storage_that_never_answers_gives_the_partner_503_with_Retry_After_and_nothing_is_stored()
    {
        var cancel = TestContext.Current.CancellationToken;
        // Accepts TCP connections, reads nothing, answers nothing.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try { while (true) held.Add(await blackHole.AcceptSocketAsync(cancel)); }
            catch (Exception) when (cancel.IsCancellationRequested || !blackHole.Server.IsBound) { }
            catch (ObjectDisposedException) { }
            catch (SocketException) { }
        }, cancel);
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;

        await using var host = await ShortTimeoutHost.StartAsync(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={LocalHost.Emulators.EmulatorProcesses.AzuriteKey};" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            stack.Service<IOptions<CosmosOptions>>().Value.Endpoint!.AbsoluteUri, cancel);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = new StringContent(Bodies.Incident("black hole " + Guid.NewGuid()), System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", host.Token(AppRoles.Submit));
            request.Headers.Add("Idempotency-Key", "black-hole");
            using var response = await host.Http.SendAsync(request, cancel);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            Assert.Equal("urn:electionfunctions:problem:service-unavailable", problem.RootElement.GetProperty("type").GetString());
            // The blob write never completed, so the document was never written either.
            var id = Intake.ReportIds.ForKey(TestPartners.Partner, "black-hole");
            Assert.Null(await stack.Service<ReportStore>().ReadAsync(id, cancel));
        }
        finally
        {
            blackHole.Stop();
            foreach (var socket in held) socket.Dispose();
        }
    }

    /// <summary>
    /// Cosmos DB down (its port refuses connections, as when the emulator is stopped), on every route that reads or
    /// writes it: the same 503 with Retry-After from the one exception mapping (ExceptionProblems), never a 500 or
    /// exception text. (A port that accepts and never answers costs the SDK's own control-plane timeouts, ~100 s a request.)
    /// </summary>
    [Fact]
    public async Task Cosmos_down_gives_503_with_Retry_After_on_every_route()
    {
        var cancel = TestContext.Current.CancellationToken;
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        await using var host = await ShortTimeoutHost.StartAsync(stack.Service<IConfiguration>()["AzureWebJobsStorage"]!, $"https://127.0.0.1:{port}/", cancel);
        (string Method, string Path, string Role)[] routes =
        [
            ("POST", "/api/reports", AppRoles.Submit),
            ("GET", "/api/reports/0123456789abcdef0123456789abcdef", AppRoles.Read),
            ("POST", "/api/reports/0123456789abcdef0123456789abcdef/retry", AppRoles.Admin),
            ("POST", "/api/elections/2026-11-03-general/package", AppRoles.CompilePackages),
        ];
        await Task.WhenAll(routes.Select(async route =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path);
            if (route.Path == "/api/reports") request.Content = new StringContent(Bodies.Incident("cosmos down " + Guid.NewGuid()), System.Text.Encoding.UTF8, "application/json");
            request.Headers.Authorization = new("Bearer", host.Token(route.Role));
            using var response = await host.Http.SendAsync(request, cancel);

            var text = await response.Content.ReadAsStringAsync(cancel);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{route.Method} {route.Path}: {(int)response.StatusCode}: {text}");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(text);
            Assert.Equal("urn:electionfunctions:problem:service-unavailable", problem.RootElement.GetProperty("type").GetString());
            Assert.DoesNotContain("Exception", text);
        }));
    }

    /// <summary>The local host on the given stores, HTTP only, each outbound try bounded to one second and retried once.</summary>
    private sealed class ShortTimeoutHost : IAsyncDisposable
    {
        private readonly TestIdentity _identity = new();
        private InProcessHost? _host;

        public HttpClient Http => _host!.Http;

        public static async Task<ShortTimeoutHost> StartAsync(string storage, string cosmosEndpoint, CancellationToken cancel)
        {
            var host = new ShortTimeoutHost();
            var settings = new Dictionary<string, string?>
            {
                [LocalHostApp.TriggersSetting] = "false",
                ["AzureWebJobsStorage"] = storage,
                ["Cosmos:Endpoint"] = cosmosEndpoint,
                ["Cosmos:CreateIfNotExists"] = "false",
                // One try of one second and one retry; without a timeout the request would hang past the client's timeout.
                ["Resilience:Timeout"] = "00:00:01",
                ["Resilience:MaxRetries"] = "1",
                ["Logging:LogLevel:Default"] = "Error",
            };
            TestPartners.Register(settings, TestPartners.Partner);
            host._host = await InProcessHost.StartAsync(host._identity, settings, cancel, clientTimeout: TimeSpan.FromSeconds(120));
            return host;
        }

        public string Token(string role) => _identity.Token(TestPartners.Partner, [role], TimeSpan.FromMinutes(5));

        public async ValueTask DisposeAsync()
        {
            if (_host is not null) await _host.DisposeAsync();
            _identity.Dispose();
        }
    }
}
