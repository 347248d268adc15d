using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ElectionFunctions.Intake;

namespace ElectionFunctions.IntegrationTests;

public sealed class IntakeTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_Idempotency_Key_and_body_give_the_same_answer_and_one_report()
    {
        var key = "key-" + Guid.NewGuid();
        var body = Bodies.Incident("idempotent " + key);
        using var first = await stack.SubmitAsync(body, idempotencyKey: key);
        using var second = await stack.SubmitAsync(body, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await second.Content.ReadAsStringAsync(Cancel));
        var reportId = (await first.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        Assert.Equal(ReportIds.ForKey(TestPartners.Partner, key), reportId);

        var count = 0;
        await foreach (var report in stack.Service<ReportStore>().QueryElectionAsync("2026-11-03-general", Cancel))
            if (report.IdempotencyKey == key) count++;
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_another_body_is_422()
    {
        var key = "key-" + Guid.NewGuid();
        using var first = await stack.SubmitAsync(Bodies.Incident("first " + key), idempotencyKey: key);
        using var second = await stack.SubmitAsync(Bodies.Incident("second " + key), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("urn:electionfunctions:problem:idempotency-conflict", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Keys_are_per_partner()
    {
        var key = "shared-" + Guid.NewGuid();
        var body = Bodies.Incident("per partner " + key);
        using var mine = await stack.SubmitAsync(body, idempotencyKey: key);
        using var theirs = await stack.SubmitAsync(body, stack.Token("other-partner"), idempotencyKey: key);
        var a = (await mine.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString();
        var b = (await theirs.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString();
        Assert.Equal(HttpStatusCode.Accepted, theirs.StatusCode);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("{", 400, "malformed")]
    [InlineData("[]", 400, "malformed")]
    [InlineData("{\"schemaVersion\":\"1.0\"}", 422, "validation")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"title\":\"t\",\"narrative\":\"n\",\"observedAt\":\"2026-11-03T10:00:00Z\",\"effects\":[\"vibes\"]}", 422, "validation")]
    public async Task Bad_bodies_get_problem_details_with_a_stable_type(string body, int status, string type)
    {
        using var response = await stack.SubmitAsync(body);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("urn:electionfunctions:problem:" + type, problem.GetProperty("type").GetString());
        if (type == "validation") Assert.True(problem.GetProperty("errors").EnumerateObject().Any());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/stix+json;version=2.0")]
    public async Task Other_content_types_get_415(string contentType)
    {
        using var response = await stack.SubmitAsync(Bodies.Incident("ct"), contentType: contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var huge = Bodies.Incident(new string('x', 1024 * 1024 + 1));
        using var response = await stack.SubmitAsync(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    [Fact]
    public async Task A_STIX_bundle_and_a_native_report_of_the_same_incident_end_with_the_same_categories_and_routing()
    {
        using var native = await stack.SubmitAsync(Sample("incident.native.json"));
        using var bundle = await stack.SubmitAsync(Sample("incident.stix.json"), contentType: "application/stix+json;version=2.1");
        Assert.Equal(HttpStatusCode.Accepted, native.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, bundle.StatusCode);
        var nativeId = (await native.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        var stixAnswer = await bundle.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var stixId = stixAnswer.GetProperty("reportId").GetString()!;

        var a = await stack.WaitForStatusAsync(nativeId, "routed", TimeSpan.FromSeconds(10));
        var b = await stack.WaitForStatusAsync(stixId, "routed", TimeSpan.FromSeconds(10));
        string Agencies(JsonElement r) => string.Join(",", r.GetProperty("routing").EnumerateArray().Select(x => x.GetProperty("agency").GetString()));
        Assert.Equal(a.GetProperty("categories").GetRawText(), b.GetProperty("categories").GetRawText());
        Assert.Equal(a.GetProperty("severity").GetString(), b.GetProperty("severity").GetString());
        Assert.Equal("dhs,doj,odni,treasury", Agencies(b));
        Assert.Equal(Agencies(a), Agencies(b));

        // The bundle itself is the raw evidence.
        var stored = (await stack.Service<ReportStore>().ReadAsync(stixId, Cancel))!.Value;
        Assert.StartsWith("application/stix+json", stored.ContentType);
        var raw = await stack.Service<Azure.Storage.Blobs.BlobServiceClient>().GetBlobContainerClient("submissions")
            .GetBlobClient(stored.BlobPath["submissions/".Length..]).DownloadContentAsync(Cancel);
        Assert.Equal(Sample("incident.stix.json"), raw.Value.Content.ToString());
        Assert.Equal("Emennet Pasargad", stored.Report.NamedActors![0].Name);
        Assert.Equal(TestPartners.Partner, stored.Partner!.Id);
    }

    [Fact]
    public async Task A_bundle_with_two_reports_is_two_reports_kept_once_with_one_evidence_and_the_same_ids_again()
    {
        // Each run its own bundle: the sample with fresh report ids, so the ids depend on this run's bytes only.
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(Sample(Path.Combine("stix-world", "opencti-two-reports.json")))!;
        foreach (var o in bundle["objects"]!.AsArray().Where(o => o!["type"]!.GetValue<string>() == "report")) o!["id"] = $"report--{Guid.NewGuid()}";
        var body = bundle.ToJsonString();
        using var response = await stack.SubmitAsync(body, contentType: "application/stix+json;version=2.1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var ids = answer.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("reportId").GetString()!).ToList();
        Assert.Equal(2, ids.Distinct().Count());

        var first = (await stack.Service<ReportStore>().ReadAsync(ids[0], Cancel))!.Value;
        var second = (await stack.Service<ReportStore>().ReadAsync(ids[1], Cancel))!.Value;
        Assert.Equal("Ransomware incident at a voter-registration software vendor", first.Report.Title);
        Assert.Equal("Election-night DDoS against the state results website", second.Report.Title);
        Assert.Equal(first.BlobPath, second.BlobPath);
        Assert.Equal("GREEN", second.Tlp);

        // Sent again, the same bytes are the same two reports.
        using var again = await stack.SubmitAsync(body, contentType: "application/stix+json;version=2.1");
        var repeated = await again.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(ids, repeated.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("reportId").GetString()!));
        Assert.All(repeated.GetProperty("reports").EnumerateArray(), r => Assert.Equal(r.GetProperty("reportId").GetString(), r.GetProperty("duplicateOf").GetString()));
    }

    [Fact]
    public async Task A_bundle_of_indicators_from_a_year_without_an_election_is_kept_out_of_scope_and_names_what_it_ignored()
    {
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(Sample(Path.Combine("stix-world", "spec-threat-report-2015.json")))!;
        bundle["id"] = $"bundle--{Guid.NewGuid()}";
        bundle["objects"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"type":"note","spec_version":"2.1","id":"note--{{Guid.NewGuid()}}","created":"2015-06-16T14:00:00.000Z","modified":"2015-06-16T14:00:00.000Z",
             "content":"An analyst's note.","object_refs":["{{bundle["objects"]![0]!["id"]}}"]}
            """));
        using var response = await stack.SubmitAsync(bundle.ToJsonString(), contentType: "application/stix+json;version=2.1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains("note", answer.GetProperty("ignoredTypes").EnumerateArray().Select(t => t.GetString()));
        var routed = await stack.WaitForRoutedAsync(answer.GetProperty("reportId").GetString()!);
        Assert.Equal("none", routed.GetProperty("electionId").GetString());
        Assert.Equal(["out-of-scope"], routed.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Empty(routed.GetProperty("routing").EnumerateArray());
    }

    [Fact]
    public async Task An_identical_body_sent_again_without_a_key_answers_the_existing_report_as_duplicateOf()
    {
        var body = Bodies.Incident("keyless " + Guid.NewGuid());
        using var first = await stack.SubmitAsync(body);
        using var second = await stack.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var original = await first.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var id = original.GetProperty("reportId").GetString();
        var duplicate = await second.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(id, duplicate.GetProperty("reportId").GetString());
        Assert.Equal(id, duplicate.GetProperty("duplicateOf").GetString());
        Assert.False(original.TryGetProperty("duplicateOf", out _));
    }

    [Fact]
    public async Task A_hundred_concurrent_submissions_with_one_key_create_exactly_one_report()
    {
        var key = "burst-" + Guid.NewGuid();
        var body = Bodies.Incident("burst " + key);
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            using var response = await stack.SubmitAsync(body, idempotencyKey: key);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
        }, Cancel)));

        Assert.All(responses, r => Assert.Equal(202, r.Item1));
        Assert.Single(responses.Select(r => r.Item2).Distinct());
        var reportId = ReportIds.ForKey(TestPartners.Partner, key);
        var documents = 0;
        await foreach (var report in stack.Service<ReportStore>().QueryElectionAsync("2026-11-03-general", Cancel))
            if (report.Id == reportId) documents++;
        Assert.Equal(1, documents);
        var blobs = 0;
        await foreach (var blob in stack.Service<Azure.Storage.Blobs.BlobServiceClient>().GetBlobContainerClient("submissions").GetBlobsAsync(cancellationToken: Cancel))
            if (blob.Name.EndsWith(reportId + ".json", StringComparison.Ordinal)) blobs++;
        Assert.Equal(1, blobs);
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_valid_token_of_an_unregistered_client_is_refused()
    {
        using var response = await stack.SubmitAsync(Bodies.Incident("unregistered"), stack.Token("stranger"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("urn:electionfunctions:problem:partner-not-registered", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_report_schema_is_served_as_published()
    {
        using var response = await stack.Http.GetAsync("/api/schemas/report-v1.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectionFunctions.sln"))) root = Path.GetDirectoryName(root)!;
        Assert.Equal(File.ReadAllBytes(Path.Combine(root, "docs", "schemas", "report-v1.json")), await response.Content.ReadAsByteArrayAsync(Cancel));
    }
}
