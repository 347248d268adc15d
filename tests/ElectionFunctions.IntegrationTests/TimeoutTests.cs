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
            var id = Intake.ReportIds.ForKey(StackFixture.Partner, "black-hole");
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
        private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"electionfunctions-timeout-{Guid.NewGuid():N}.pem");
        private Microsoft.AspNetCore.Builder.WebApplication? _app;
        private LocalHost.Emulators.EmulatorProcesses? _emulators;

        public HttpClient Http { get; private set; } = null!;

        public static async Task<ShortTimeoutHost> StartAsync(string storage, string cosmosEndpoint, CancellationToken cancel)
        {
            var host = new ShortTimeoutHost();
            DevelopmentTokens.EnsureKey(host._keyFile);
            var settings = new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                [LocalHostApp.TriggersSetting] = "false",
                ["AzureWebJobsStorage"] = storage,
                ["Cosmos:Endpoint"] = cosmosEndpoint,
                ["Cosmos:CreateIfNotExists"] = "false",
                [$"{DevelopmentAuthOptions.Section}:SigningKeyFile"] = host._keyFile,
                // One try of one second and one retry; without a timeout the request would hang past the client's timeout.
                ["Resilience:Timeout"] = "00:00:01",
                ["Resilience:MaxRetries"] = "1",
                ["Logging:LogLevel:Default"] = "Error",
            };
            StackFixture.Register(settings, StackFixture.Partner);
            (host._app, host._emulators) = await LocalHostApp.BuildAsync([], settings, cancel);
            await host._app.StartAsync(cancel);
            host.Http = new HttpClient { BaseAddress = new Uri(host._app.Urls.First()), Timeout = TimeSpan.FromSeconds(120) };
            return host;
        }

        public string Token(string role) => DevelopmentTokens.Create(DevelopmentAuthOptions.LoadKey(_keyFile), StackFixture.Issuer, StackFixture.Audience,
            StackFixture.Partner, [role], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));

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
}
