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
