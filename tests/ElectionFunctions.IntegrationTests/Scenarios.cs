// Over 200 lines: the one scenario list both hosts run (issue 15); splitting it would let the hosts' lists drift.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;

namespace ElectionFunctions.IntegrationTests;

/// <summary>The scenario list under the local host (in process, the handlers behind Kestrel and pollers).</summary>
[Collection(PackageCompiles.Name)]
public sealed class LocalHostScenarios(LocalStack stack) : Scenarios(stack);

/// <summary>The same list under the real Azure Functions host running functions/ElectionFunctions.</summary>
public sealed class FunctionsHostScenarios(RealHostStack stack) : Scenarios(stack), IClassFixture<RealHostStack>
{
    private readonly RealHostStack _stack = stack;

    /// <summary>
    /// The worker's ProblemsMiddleware under the real host: with Cosmos DB down, the same 503 problem with Retry-After
    /// as the local host gives (TimeoutTests), not the host's bare 500.
    /// </summary>
    [Fact]
    public async Task Cosmos_DB_down_is_a_503_problem_with_Retry_After_through_the_worker_middleware()
    {
        await _stack.Emulators.SuspendCosmosAsync(Cancel);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/0123456789abcdef0123456789abcdef");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _stack.Token());
            using var response = await _stack.Http.SendAsync(request, Cancel);
            var text = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {text}");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("urn:electionfunctions:problem:service-unavailable", JsonDocument.Parse(text).RootElement.GetProperty("type").GetString());
            Assert.DoesNotContain("Exception", text);
        }
        finally
        {
            await _stack.Emulators.ResumeCosmosAsync(CancellationToken.None);
        }
    }

    /// <summary>The timers fire on their schedules (the local host's are tested by calling their handlers).</summary>
    [Fact]
    public async Task The_package_and_reconciliation_timers_fire()
    {
        // Reconciliation: a report stored without its intake message (a crash between the two) is found and carried on.
        var id = await StoreStrandedAsync(ReportStatus.Received);
        await WaitForStatusAsync(id, ReportStatus.Routed);

        // The package timer: a version of the 2026 general election appears without anyone asking.
        var packages = _stack.Service<Azure.Storage.Blobs.BlobServiceClient>().GetBlobContainerClient(BlobContainers.Packages);
        await WaitForProgressAsync("a package version from the timer", async () =>
        {
            await foreach (var blob in packages.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "2026-11-03-general/", Cancel))
                if (blob.Name.EndsWith("/manifest.json", StringComparison.Ordinal)) return true;
            return false;
        });
    }
}

/// <summary>
/// One list of end-to-end scenarios, run against both hosts (issue 15): every HTTP route with its success and error
/// answers, classification and routing through the real queue triggers, a poison message ending failed, health. The two
/// hosts must answer alike; where they did not, the app was fixed, not the test.
/// </summary>
public abstract class Scenarios(IScenarioStack stack)
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private const string Stix = "application/stix+json;version=2.1";

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null, string contentType = "application/json", string? key = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return stack.Http.SendAsync(request, Cancel);
    }

    private Task<HttpResponseMessage> SubmitAsync(string body, string contentType = "application/json", string? key = null, string? token = null) =>
        SendAsync(HttpMethod.Post, "/api/reports", token ?? stack.Token(), body, contentType, key);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status, string type)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True((int)response.StatusCode == status, $"expected {status} {type}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("urn:electionfunctions:problem:" + type, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<string> AcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        var id = JsonDocument.Parse(text).RootElement.GetProperty("reportId").GetString()!;
        Assert.EndsWith($"/api/reports/{id}", response.Headers.Location!.ToString());
        return id;
    }

    private async Task<JsonElement> GetReportAsync(string id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/reports/{id}", stack.Token());
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    /// <summary>Waits while something changes: fails only when nothing has for a minute (CI machines are shared and slow).</summary>
    protected static async Task WaitForProgressAsync(string what, Func<Task<bool>> done, Func<Task<string>>? state = null)
    {
        var last = "";
        var changedAt = DateTime.UtcNow;
        while (!await done())
        {
            var now = state is null ? "" : await state();
            if (now != last) (last, changedAt) = (now, DateTime.UtcNow);
            if (DateTime.UtcNow - changedAt > TimeSpan.FromMinutes(1)) Assert.Fail($"Waiting for {what}: no change for a minute (last: {last}).");
            await Task.Delay(250, Cancel);
        }
    }

    protected async Task<JsonElement> WaitForStatusAsync(string id, string status)
    {
        JsonElement report = default;
        await WaitForProgressAsync($"report {id} to be {status}", async () =>
        {
            report = await GetReportAsync(id);
            return report.GetProperty("status").GetString() == status;
        }, async () => (await GetReportAsync(id)).GetRawText());
        return report;
    }

    /// <summary>A document as a crash or bad data leaves it: stored in <paramref name="status"/> with no classification, no message sent.</summary>
    protected async Task<string> StoreStrandedAsync(string status)
    {
        using var body = JsonDocument.Parse(Bodies.Incident("stranded " + Guid.NewGuid()));
        var report = stack.Service<SubmissionValidator>().Validate(body.RootElement).Report!;
        var id = ReportIds.ForKey(TestPartners.Partner, Guid.NewGuid().ToString());
        Assert.True(await stack.Service<ReportStore>().TryCreateAsync(new ReportDocument
        {
            Id = id, PartnerId = TestPartners.Partner, Status = status, ReceivedAt = DateTimeOffset.UtcNow,
            Sha256 = new string('0', 64), BlobPath = $"submissions/{id}.json", ContentType = "application/json",
            ElectionId = report.ElectionId, Tlp = report.Tlp!, Report = report,
        }, Cancel));
        return id;
    }

    [Fact]
    public async Task A_report_is_accepted_classified_and_routed_through_the_queue_triggers()
    {
        using var response = await SubmitAsync(Bodies.Incident($"{stack.Host} scenario " + Guid.NewGuid()));
        var routed = await WaitForStatusAsync(await AcceptedAsync(response), ReportStatus.Routed);
        Assert.Equal(["dhs", "doj", "odni", "treasury"], routed.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()).Order());
        Assert.All(routed.GetProperty("routing").EnumerateArray(), r => Assert.Equal("sent", r.GetProperty("status").GetString()));
        Assert.Equal("tlp field", routed.GetProperty("tlpSource").GetString());
        Assert.Contains(routed.GetProperty("categories").EnumerateArray(), c => c.GetString() == "election-infrastructure");
    }

    [Fact]
    public async Task A_MISP_export_marked_RED_reaches_ODNI_alone()
    {
        using var response = await SubmitAsync(TestPaths.Sample("misp-export.stix.json"), Stix, key: $"{stack.Host}-misp-" + Guid.NewGuid());
        var routed = await WaitForStatusAsync(await AcceptedAsync(response), ReportStatus.Routed);
        Assert.Equal("RED", routed.GetProperty("tlp").GetString());
        Assert.All(routed.GetProperty("routing").EnumerateArray(), r => Assert.Equal("odni", r.GetProperty("agency").GetString()));
    }

    [Fact]
    public async Task The_same_key_and_body_answer_the_same_and_another_body_is_a_conflict()
    {
        var key = $"{stack.Host}-replay-" + Guid.NewGuid();
        var body = Bodies.Incident(key);
        using var first = await SubmitAsync(body, key: key);
        using var second = await SubmitAsync(body, key: key);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await second.Content.ReadAsStringAsync(Cancel));
        using var other = await SubmitAsync(Bodies.Incident(key + " changed"), key: key);
        await ProblemAsync(other, 422, "idempotency-conflict");
    }

    public static TheoryData<string, int, string> BadSubmissions => new()
    {
        { "malformed", 400, "malformed" },
        { "invalid field", 422, "validation" },
        { "invalid indicator", 422, "validation" },
        { "unusable STIX", 422, "stix-unusable" },
        { "text/plain", 415, "unsupported-media-type" },
        { "over the body limit", 413, "payload-too-large" },
        { "over the document limit", 413, "document-too-large" },
        { "no token", 401, "unauthorized" },
        { "no Submit role", 403, "forbidden" },
        { "unregistered partner", 403, "partner-not-registered" },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task A_bad_submission_gets_its_status_and_problem_type(string kind, int status, string type)
    {
        var valid = Bodies.Incident("bad " + Guid.NewGuid());
        using var response = kind switch
        {
            "malformed" => await SubmitAsync("{\"schemaVersion\":"),
            "invalid field" => await SubmitAsync(valid.Replace("\"tlp\": \"AMBER\"", "\"tlp\": \"PURPLE\"")),
            "invalid indicator" => await SubmitAsync(valid.Replace("203.0.113.47", "999.1.1.1")),
            "unusable STIX" => await SubmitAsync("{\"type\":\"bundle\",\"id\":\"bundle--6b1c5a52-2d0b-4c5e-9a3f-4e0a3c1d2b11\",\"objects\":[]}", Stix),
            "text/plain" => await SubmitAsync(valid, "text/plain"),
            "over the body limit" => await SubmitAsync(valid.Replace("Operators gained", new string('a', 1024 * 1024))),
            "over the document limit" => await SubmitAsync(valid.Replace("Operators gained", string.Concat(Enumerable.Repeat("\U0001F5F3", 150_000)))),
            "no token" => await SendAsync(HttpMethod.Post, "/api/reports", null, valid),
            "no Submit role" => await SubmitAsync(valid, token: stack.Token(roles: [AppRoles.Read])),
            _ => await SubmitAsync(valid, token: stack.Token("stranger")),
        };
        var problem = await ProblemAsync(response, status, type);
        if (status == 401) Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        if (type == "validation") Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task A_partner_over_its_limit_gets_429_with_Retry_After()
    {
        var token = stack.Token(TestPartners.LimitedPartner, [AppRoles.Read]);
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await SendAsync(HttpMethod.Get, "/api/reports/0123456789abcdef0123456789abcdef", token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }
        Assert.NotNull(limited);
        using (limited)
        {
            await ProblemAsync(limited, 429, "rate-limited");
            Assert.NotNull(limited.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task Status_is_the_partners_own_and_unknown_or_others_reports_are_404()
    {
        using var response = await SubmitAsync(Bodies.OutOfScope($"{stack.Host} mine " + Guid.NewGuid()));
        var id = await AcceptedAsync(response);
        Assert.Equal(id, (await GetReportAsync(id)).GetProperty("reportId").GetString());
        using var other = await SendAsync(HttpMethod.Get, $"/api/reports/{id}", stack.Token("other-partner", [AppRoles.Read]));
        await ProblemAsync(other, 404, "not-found");
        using var unknown = await SendAsync(HttpMethod.Get, "/api/reports/not-an-id", stack.Token());
        await ProblemAsync(unknown, 404, "not-found");
        using var noRole = await SendAsync(HttpMethod.Get, $"/api/reports/{id}", stack.Token(roles: [AppRoles.Submit]));
        await ProblemAsync(noRole, 403, "forbidden");
    }

    [Fact]
    public async Task The_schema_and_health_are_served()
    {
        using var schema = await stack.Http.GetAsync("/api/schemas/report-v1.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot, "docs", "schemas", "report-v1.json")),
            await schema.Content.ReadAsByteArrayAsync(Cancel));

        using var health = await stack.Http.GetAsync("/api/health", Cancel);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var checks = (await health.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["blob", "cosmos", "queue"], checks.Select(c => c.GetProperty("name").GetString()).Order());
        Assert.All(checks, c => Assert.Equal("ok", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task The_watch_page_and_its_data_are_served_and_acknowledging_is_guarded()
    {
        using var page = await stack.Http.GetAsync("/api/watch", Cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'none'; script-src 'sha256-", Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
        using var data = await SendAsync(HttpMethod.Get, "/api/watch/data", stack.Token("watch-screen", [AppRoles.WatchRead]));
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.True((await data.Content.ReadFromJsonAsync<JsonElement>(Cancel)).TryGetProperty("health", out _));
        using var noRole = await SendAsync(HttpMethod.Get, "/api/watch/data", stack.Token());
        await ProblemAsync(noRole, 403, "forbidden");
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/agencies/dhs/acknowledgements")
        {
            Content = new StringContent($$"""{"reportId":"{{Guid.NewGuid():N}}","disposition":"received"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        unknown.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stack.Token("dhs-app", [AppRoles.AgencyDhs]));
        using var notSent = await stack.Http.SendAsync(unknown, Cancel);
        await ProblemAsync(notSent, 404, "not-found");
    }

    [Fact]
    public async Task TAXII_is_served_under_taxii2_with_trailing_slashes_a_push_completes_and_its_errors_are_TAXII_errors()
    {
        // The client from the specification: every URL ends in '/', as TAXII 2.1's endpoints do, whichever host routes it.
        var http = new HttpClient { BaseAddress = stack.Http.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stack.Token());
        var client = new Taxii.TaxiiSpecClient(http);
        var root = Assert.Single((await client.DiscoverAsync(Cancel)).ApiRoots);
        await client.GetApiRootAsync(root, Cancel);
        var push = Assert.Single(await client.GetCollectionsAsync(root, Cancel));
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "Samples", "stix-world", "spec-indicator-c2.json")))!;
        var envelope = new System.Text.Json.Nodes.JsonObject { ["objects"] = bundle["objects"]!.DeepClone() };
        var status = await client.PollStatusUntilCompleteAsync(root, (await client.PostEnvelopeAsync(root, push.Id, envelope, Cancel)).Id, Cancel);
        Assert.Equal(1, status.SuccessCount);
        await client.ExpectErrorAsync(Taxii.TaxiiSpecClient.CreateRequest(HttpMethod.Get, Taxii.TaxiiSpecClient.ObjectsUrl(root, push.Id)), 403, Cancel);
        await client.ExpectErrorAsync(Taxii.TaxiiSpecClient.CreateRequest(HttpMethod.Get, Taxii.TaxiiSpecClient.CollectionsUrl(root), accept: "text/html"), 406, Cancel);
    }

    [Fact]
    public async Task A_poisoned_report_ends_failed_with_a_code_and_an_operator_re_drives_it()
    {
        // Classified but with no classification (bad data): routing fails on every dequeue, and after host.json's
        // maxDequeueCount the host moves the message to the poison queue, whose function marks the report failed.
        var id = await StoreStrandedAsync(ReportStatus.Classified);
        await stack.Service<WorkQueues>().EnqueueAsync(QueueNames.Route, id, Cancel);

        var failed = await WaitForStatusAsync(id, ReportStatus.Failed);
        Assert.StartsWith("routing-failed: ", failed.GetProperty("failureReason").GetString());

        using var notOperator = await SendAsync(HttpMethod.Post, $"/api/reports/{id}/retry", stack.Token());
        await ProblemAsync(notOperator, 403, "forbidden");
        using var unknown = await SendAsync(HttpMethod.Post, "/api/reports/0123456789abcdef0123456789abcdef/retry", stack.Token("operator", [AppRoles.Admin]));
        await ProblemAsync(unknown, 404, "not-found");
        using var retried = await SendAsync(HttpMethod.Post, $"/api/reports/{id}/retry", stack.Token("operator", [AppRoles.Admin]));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        using var again = await SendAsync(HttpMethod.Post, $"/api/reports/{id}/retry", stack.Token("operator", [AppRoles.Admin]));
        // Re-driven, it fails again the same way (the data is still bad) or is still on its way: never 'failed' twice at once.
        Assert.True(again.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Accepted, $"{(int)again.StatusCode}");
    }

    [Fact]
    public async Task The_package_is_compiled_on_demand_with_its_role_only()
    {
        using var noRole = await SendAsync(HttpMethod.Post, "/api/elections/2026-11-03-general/package", stack.Token());
        await ProblemAsync(noRole, 403, "forbidden");
        var compiler = stack.Token("operations", [AppRoles.CompilePackages]);
        using var unknown = await SendAsync(HttpMethod.Post, "/api/elections/2027-11-02-general/package", compiler);
        await ProblemAsync(unknown, 404, "not-found");

        // A compile by the timer (on the Functions host) may hold the election's lease: 409 with Retry-After, as documented.
        HttpStatusCode status;
        do
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/elections/2026-11-03-general/package", compiler);
            status = response.StatusCode;
            if (status == HttpStatusCode.Conflict) await ProblemAsync(response, 409, "compile-in-progress");
            else if (status == HttpStatusCode.Created)
                Assert.Equal("2026-11-03-general", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("electionId").GetString());
            else Assert.Equal(HttpStatusCode.NoContent, status);
            if (status == HttpStatusCode.Conflict) await Task.Delay(1000, Cancel);
        }
        while (status == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Reports_sharing_a_key_are_linked_for_operators_only()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        string Body(int n) => Bodies.Incident($"{stack.Host} linked {tag}-{n}").Replace("\"value\": \"203.0.113.47\"", $"\"value\": \"lnk-{tag}.example\"")
            .Replace("\"type\": \"ipv4\"", "\"type\": \"domain\"");
        var first = await WaitForStatusAsync(await AcceptedAsync(await SubmitAsync(Body(1))), ReportStatus.Routed);
        var second = await WaitForStatusAsync(await AcceptedAsync(await SubmitAsync(Body(2))), ReportStatus.Routed);
        var (firstId, secondId) = (first.GetProperty("reportId").GetString()!, second.GetProperty("reportId").GetString()!);

        using var partner = await SendAsync(HttpMethod.Get, $"/api/incidents/{secondId}", stack.Token());
        await ProblemAsync(partner, 403, "forbidden");
        using var byKey = await SendAsync(HttpMethod.Get, $"/api/incidents?key=domain:lnk-{tag}.example", stack.Token("operator", [AppRoles.Admin]));
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        var reports = (await byKey.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("keys")[0].GetProperty("reports").EnumerateArray()
            .Select(r => r.GetProperty("reportId").GetString()).ToList();
        Assert.Equal([firstId, secondId], reports);
        using var noKey = await SendAsync(HttpMethod.Get, "/api/incidents", stack.Token("operator", [AppRoles.Admin]));
        await ProblemAsync(noKey, 400, "bad-request");
    }
}
