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

        var keyFile = Path.Combine(Path.GetTempPath(), $"electionfunctions-timeout-{Guid.NewGuid():N}.pem");
        DevelopmentTokens.EnsureKey(keyFile);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            [LocalHostApp.TriggersSetting] = "false",
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={LocalHost.Emulators.EmulatorProcesses.AzuriteKey};" +
                $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            ["Cosmos:Endpoint"] = stack.Service<IOptions<CosmosOptions>>().Value.Endpoint!.AbsoluteUri,
            ["Cosmos:CreateIfNotExists"] = "false",
            [$"{DevelopmentAuthOptions.Section}:SigningKeyFile"] = keyFile,
            // One try of one second and one retry; without a timeout the request would hang past the client's 60 s.
            ["Resilience:Timeout"] = "00:00:01",
            ["Resilience:MaxRetries"] = "1",
            ["Logging:LogLevel:Default"] = "Error",
        };
        StackFixture.Register(settings, StackFixture.Partner);
        var (app, emulators) = await LocalHostApp.BuildAsync([], settings, cancel);
        await using var _ = emulators;
        await app.StartAsync(cancel);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = new StringContent(Bodies.Incident("black hole " + Guid.NewGuid()), System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", DevelopmentTokens.Create(DevelopmentAuthOptions.LoadKey(keyFile), StackFixture.Issuer, StackFixture.Audience,
                StackFixture.Partner, [AppRoles.Submit], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            request.Headers.Add("Idempotency-Key", "black-hole");
            using var response = await http.SendAsync(request, cancel);

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
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            blackHole.Stop();
            foreach (var socket in held) socket.Dispose();
            File.Delete(keyFile);
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

        var keyFile = Path.Combine(Path.GetTempPath(), $"electionfunctions-timeout-{Guid.NewGuid():N}.pem");
        DevelopmentTokens.EnsureKey(keyFile);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            [LocalHostApp.TriggersSetting] = "false",
            ["AzureWebJobsStorage"] = stack.Service<IConfiguration>()["AzureWebJobsStorage"],
            ["Cosmos:Endpoint"] = $"https://127.0.0.1:{port}/",
            ["Cosmos:CreateIfNotExists"] = "false",
            [$"{DevelopmentAuthOptions.Section}:SigningKeyFile"] = keyFile,
            ["Resilience:Timeout"] = "00:00:01",
            ["Resilience:MaxRetries"] = "1",
            ["Logging:LogLevel:Default"] = "Error",
        };
        StackFixture.Register(settings, StackFixture.Partner);
        var (app, emulators) = await LocalHostApp.BuildAsync([], settings, cancel);
        await using var _ = emulators;
        await app.StartAsync(cancel);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(300) };
            string Token(string role) => DevelopmentTokens.Create(DevelopmentAuthOptions.LoadKey(keyFile), StackFixture.Issuer, StackFixture.Audience,
                StackFixture.Partner, [role], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
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
                request.Headers.Authorization = new("Bearer", Token(route.Role));
                using var response = await http.SendAsync(request, cancel);

                var text = await response.Content.ReadAsStringAsync(cancel);
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{route.Method} {route.Path}: {(int)response.StatusCode}: {text}");
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(text);
                Assert.Equal("urn:electionfunctions:problem:service-unavailable", problem.RootElement.GetProperty("type").GetString());
                Assert.DoesNotContain("Exception", text);
            }));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            File.Delete(keyFile);
        }
    }
}
