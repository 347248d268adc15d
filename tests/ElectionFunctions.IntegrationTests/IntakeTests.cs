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
        Assert.Equal(IntakeHandler.DerivedId(LocalStack.Partner, key), reportId);

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
    [InlineData("application/stix+json;version=2.1")]
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
}
