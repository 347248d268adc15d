using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Security;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// Issue 14 through the real intake on the emulators: TLP as MISP and OpenCTI mark it, read back by the partner;
/// indicators written three ways stored once; the per-partner rate limit; the largest bodies answered in a bounded time and size.
/// </summary>
public sealed class TrustTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private const string Stix = "application/stix+json;version=2.1";

    private async Task<string> AcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("reportId").GetString()!;
    }

    private static IEnumerable<string> Agencies(JsonElement report) =>
        report.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()!);

    [Fact]
    public async Task A_MISP_export_marked_RED_on_an_indicator_is_RED_says_why_and_reaches_no_agency_but_ODNI()
    {
        using var response = await stack.SubmitAsync(TestPaths.Sample("misp-export.stix.json"), idempotencyKey: "misp-" + Guid.NewGuid(), contentType: Stix);
        var report = await stack.WaitForStatusAsync(await AcceptedAsync(response), "routed", TimeSpan.FromSeconds(60));

        Assert.Equal("RED", report.GetProperty("tlp").GetString());
        Assert.Equal("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed (TLP 1.0) in object_marking_refs of indicator--91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f",
            report.GetProperty("tlpSource").GetString());
        // RED without recipients goes to ODNI alone (DOMAIN.md); before, this bundle was read as AMBER and sent to all four.
        Assert.All(Agencies(report), a => Assert.Equal("odni", a));
    }

    [Fact]
    public async Task An_OpenCTI_export_is_AMBER_STRICT()
    {
        using var response = await stack.SubmitAsync(TestPaths.Sample("opencti-export.stix.json"), idempotencyKey: "opencti-" + Guid.NewGuid(), contentType: Stix);
        var report = await stack.WaitForStatusAsync(await AcceptedAsync(response), "routed", TimeSpan.FromSeconds(60));
        Assert.Equal("AMBER+STRICT", report.GetProperty("tlp").GetString());
        Assert.Contains("826578e1-40ad-459f-bc73-ede076f81f37 (OpenCTI)", report.GetProperty("tlpSource").GetString());
    }

    [Fact]
    public async Task A_custom_marking_makes_the_report_RED_and_the_partner_reads_why()
    {
        var bundle = JsonNode.Parse(TestPaths.Sample("incident.stix.json"))!;
        var objects = bundle["objects"]!.AsArray();
        objects.Add(JsonNode.Parse("""
            {"type":"marking-definition","spec_version":"2.1","id":"marking-definition--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","created":"2026-01-01T00:00:00Z",
             "definition_type":"statement","definition":{"statement":"Law enforcement sensitive. Do not forward."}}
            """));
        objects.First(o => o!["type"]!.GetValue<string>() == "location")!["object_marking_refs"] = new JsonArray("marking-definition--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
        using var response = await stack.SubmitAsync(bundle.ToJsonString(), idempotencyKey: "custom-" + Guid.NewGuid(), contentType: Stix);
        var report = await stack.GetReportAsync(await AcceptedAsync(response));

        Assert.Equal("RED", report.GetProperty("tlp").GetString());
        var reason = report.GetProperty("reasons").EnumerateArray().First(r => r.GetProperty("rule").GetString() == "tlp.unrecognised-marking");
        Assert.Contains("marking-definition--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", reason.GetProperty("evidence").GetString());
    }

    [Fact]
    public async Task A_native_report_says_its_tlp_came_from_the_field_or_the_default()
    {
        using var sent = await stack.SubmitAsync(Bodies.Incident("tlp field " + Guid.NewGuid(), tlp: "GREEN"));
        Assert.Equal("tlp field", (await stack.GetReportAsync(await AcceptedAsync(sent))).GetProperty("tlpSource").GetString());

        var body = JsonNode.Parse(Bodies.Incident("tlp default " + Guid.NewGuid()))!.AsObject();
        body.Remove("tlp");
        using var defaulted = await stack.SubmitAsync(body.ToJsonString());
        var report = await stack.GetReportAsync(await AcceptedAsync(defaulted));
        Assert.Equal("AMBER", report.GetProperty("tlp").GetString());
        Assert.StartsWith("default", report.GetProperty("tlpSource").GetString());
    }

    [Fact]
    public async Task One_domain_written_plain_upper_case_and_defanged_is_stored_once_in_canonical_form()
    {
        var body = JsonNode.Parse(Bodies.Incident("three ways " + Guid.NewGuid()))!.AsObject();
        body["indicators"] = JsonNode.Parse("""
            [{"type":"domain","value":"results-update.example"},{"type":"domain","value":"RESULTS-UPDATE.EXAMPLE"},
             {"type":"domain","value":"results-update[.]example"},{"type":"url","value":"hxxps://Results-Update[.]example/Login"}]
            """);
        using var response = await stack.SubmitAsync(body.ToJsonString());
        var id = await AcceptedAsync(response);
        var stored = (await stack.Service<ReportStore>().ReadAsync(id, Cancel))!.Value;
        Assert.Equal([new("domain", "results-update.example"), new Intake.Indicator("url", "https://results-update.example/Login")], stored.Report.Indicators);
    }

    [Fact]
    public async Task A_partner_over_its_rate_limit_gets_429_with_Retry_After_and_other_partners_do_not()
    {
        var token = stack.Token(TestPartners.LimitedPartner, [AppRoles.Read]);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        // A burst of 3, then 1 per second: ten requests back to back meet the limit however slow the machine is, unless each takes a second.
        for (var i = 0; i < 10 && limited is null; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/0123456789abcdef0123456789abcdef");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await stack.Http.SendAsync(request, Cancel);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }
        Assert.NotNull(limited);
        using (limited)
        {
            Assert.All(statuses.Take(3), s => Assert.Equal(HttpStatusCode.NotFound, s));
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.ToString());
            using var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("urn:electionfunctions:problem:rate-limited", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        }

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/reports/0123456789abcdef0123456789abcdef");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Token(roles: [AppRoles.Read]));
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Http.SendAsync(other, Cancel)).StatusCode);
    }

    /// <summary>The largest native body the contract allows under 1 MiB: a 200,000-character narrative and 500 long URLs.</summary>
    internal static string LargestNativeBody(string tag)
    {
        var body = JsonNode.Parse(Bodies.Incident(tag))!.AsObject();
        body["narrative"] = ("Operators gained access to the county results page (" + tag + "). ").PadRight(200_000, 'n');
        var path = new string('p', 1_600);
        body["indicators"] = new JsonArray([.. Enumerable.Range(0, 500).Select(i => (JsonNode)new JsonObject { ["type"] = "url", ["value"] = $"https://results-update.example/{i}/{path}" })]);
        return body.ToJsonString();
    }

    [Fact]
    public async Task The_largest_native_body_is_accepted_stored_routed_and_its_document_size_recorded()
    {
        var json = LargestNativeBody("largest " + Guid.NewGuid());
        var bytes = Encoding.UTF8.GetByteCount(json);
        Assert.InRange(bytes, 1000 * 1024, 1024 * 1024);
        var watch = Stopwatch.StartNew();
        using var response = await stack.SubmitAsync(json);
        var answered = watch.ElapsedMilliseconds;
        var id = await AcceptedAsync(response);
        await stack.WaitForStatusAsync(id, "routed", TimeSpan.FromSeconds(120));
        var stored = (await stack.Service<ReportStore>().ReadAsync(id, Cancel))!.Value;
        var size = ReportStore.ToBytes(stored).Length;
        TestContext.Current.TestOutputHelper?.WriteLine($"body {bytes} bytes answered in {answered} ms; routed document {size} bytes");
        Assert.Equal(500, stored.Report.Indicators!.Count);
        Assert.InRange(size, bytes, 2 * 1024 * 1024);
    }

    [Fact]
    public async Task The_largest_indicator_bundle_is_refused_once_and_briefly()
    {
        var json = LargeBodies.IndicatorBundle();
        var watch = Stopwatch.StartNew();
        using var response = await stack.SubmitAsync(json, contentType: Stix);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        TestContext.Current.TestOutputHelper?.WriteLine($"bundle {Encoding.UTF8.GetByteCount(json)} bytes answered {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms, {text.Length} characters");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(": indicators", text);
        Assert.True(Encoding.UTF8.GetByteCount(text) < 64 * 1024);
    }

    [Fact]
    public async Task Twenty_eight_thousand_bad_indicators_get_an_answer_under_64_KiB_that_says_how_many_were_left_out()
    {
        var body = JsonNode.Parse(Bodies.Incident("many bad " + Guid.NewGuid()))!.AsObject();
        body["indicators"] = new JsonArray([.. Enumerable.Range(0, 28_000).Select(_ => (JsonNode)new JsonObject { ["type"] = "ssn", ["value"] = "1" })]);
        var json = body.ToJsonString();
        Assert.True(Encoding.UTF8.GetByteCount(json) <= 1024 * 1024);
        var watch = Stopwatch.StartNew();
        using var response = await stack.SubmitAsync(json);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        TestContext.Current.TestOutputHelper?.WriteLine($"body {Encoding.UTF8.GetByteCount(json)} bytes answered {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms, {Encoding.UTF8.GetByteCount(text)} bytes");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True(Encoding.UTF8.GetByteCount(text) < 64 * 1024, $"{Encoding.UTF8.GetByteCount(text)} bytes");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(Http.Problems.MaxErrors, problem.GetProperty("errors").EnumerateObject().Count());
        Assert.True(problem.GetProperty("omittedErrors").GetInt32() > 0);
    }
}
