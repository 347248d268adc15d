using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using ElectionFunctions.Reporting;
using ElectionFunctions.Security;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// Correlation end to end on the emulators: reports that share a key are linked in the agency messages after the first,
/// never through a warning-listed key, and never to a report the agency was not sent. In the collection of the one other
/// class that drains the agency queues, so neither takes the other's messages.
/// </summary>
[Collection(PackageCompiles.Name)]
public sealed class CorrelationTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>In scope (a suspected government, access to a results site), no named actor: to DHS, DOJ and ODNI.</summary>
    private static string Body(string tag, string indicators, string tlp = "AMBER", string recipients = "[]") => $$"""
        {
          "schemaVersion": "1.0", "electionId": "2026-11-03-general", "title": "Results site accessed ({{tag}})",
          "narrative": "Operators gained access to the county results page ({{tag}}).", "observedAt": "2026-11-03T21:40:00Z",
          "jurisdiction": { "state": "GA" }, "tlp": "{{tlp}}", "recipients": {{recipients}},
          "targetedSystems": ["results-reporting-website"], "effects": ["access-gained"], "suspectedForeignGovernments": ["RU"],
          "indicators": {{indicators}}
        }
        """;

    private async Task<string> RoutedAsync(string body, string partner = TestPartners.Partner)
    {
        using var response = await stack.SubmitAsync(body, stack.Token(partner));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("reportId").GetString()!;
        // Waits on progress: fails only when the report's status stops changing for a long while.
        var (last, since) = ("", DateTime.UtcNow);
        while (true)
        {
            var status = (await stack.GetReportAsync(id, stack.Token(partner))).GetProperty("status").GetString()!;
            if (status == "routed") return id;
            Assert.NotEqual("failed", status);
            if (status != last) (last, since) = (status, DateTime.UtcNow);
            Assert.True(DateTime.UtcNow - since < TimeSpan.FromSeconds(90), $"report {id} stayed {status}");
            await Task.Delay(100, Cancel);
        }
    }

    /// <summary>Every agency message of these reports, by report and agency; other reports' messages are dropped.</summary>
    private async Task<Dictionary<(string Report, string Agency), JsonElement>> DrainAsync(params string[] reportIds) =>
        (await AgencyQueues.DrainAsync(stack.Service<QueueServiceClient>(), Cancel))
            .Where(m => reportIds.Contains(m.Message.GetProperty("reportId").GetString()))
            .ToDictionary(m => (m.Message.GetProperty("reportId").GetString()!, m.Agency), m => m.Message);

    private static List<(string Id, string[] Keys)> Related(JsonElement message) =>
        [.. message.GetProperty("related").EnumerateArray().Select(r => (r.GetProperty("reportId").GetString()!, r.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray()))];

    [Fact]
    public async Task One_domain_written_three_ways_by_two_partners_links_every_message_after_the_first()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var key = $"domain:vote-results-{tag}.example";
        var first = await RoutedAsync(Body(tag + "-1", $$"""[{"type":"domain","value":"Vote-Results-{{tag}}.EXAMPLE"}]"""));
        var second = await RoutedAsync(Body(tag + "-2", $$"""[{"type":"domain","value":"vote-results-{{tag}}[.]example"}]"""), "other-partner");
        var third = await RoutedAsync(Body(tag + "-3", $$"""[{"type":"url","value":"https://vote-results-{{tag}}.example/login"}]"""));
        var messages = await DrainAsync(first, second, third);

        foreach (var agency in new[] { "dhs", "doj", "odni" })
        {
            Assert.Empty(Related(messages[(first, agency)]));
            Assert.Equal([(first, new[] { key })], Related(messages[(second, agency)]), RelatedComparer.Instance);
            Assert.Equal([.. new[] { (first, new[] { key }), (second, new[] { key }) }.OrderBy(r => r.Item1, StringComparer.Ordinal)],
                Related(messages[(third, agency)]), RelatedComparer.Instance);
        }
        Assert.False(messages.ContainsKey((first, "treasury")));

        // The partner sees nothing of it; the operator sees the incident.
        var own = await stack.GetReportAsync(second, stack.Token("other-partner"));
        Assert.DoesNotContain(first, own.GetRawText());
        using var forbidden = await Get($"/api/incidents/{third}", stack.Token());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var incident = await Get($"/api/incidents/{third}", stack.Token(roles: [AppRoles.Admin]));
        var keys = (await incident.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("keys").EnumerateArray().ToList();
        var domain = Assert.Single(keys, k => k.GetProperty("key").GetString() == key);
        Assert.Equal([first, second, third], domain.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("reportId").GetString()));
        Assert.Equal(2, domain.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("partnerId").GetString()).Distinct().Count());

        // The package groups them into one incident (a draft of the election as it stands, due dates aside).
        var compiler = new Reporting.PackageCompiler(stack.Service<ReportStore>(), stack.Service<Reporting.PackageStore>(), stack.Service<Azure.Storage.Blobs.BlobServiceClient>(),
            Microsoft.Extensions.Options.Options.Create(new Reporting.ElectionsOptions
            {
                PackageDueDays = 365, Calendar = [new Reporting.Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) }],
            }), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Reporting.PackageCompiler>.Instance);
        CompileResult compiled;
        while ((compiled = await compiler.CompileAsync("2026-11-03-general", Cancel)).Outcome == Reporting.CompileOutcome.Busy) await Task.Delay(500, Cancel);
        var package = (await stack.Service<Azure.Storage.Blobs.BlobServiceClient>().GetBlobContainerClient("packages")
            .GetBlobClient($"2026-11-03-general/{compiled.Package!.Version}/package.json").DownloadContentAsync(Cancel)).Value.Content.ToObjectFromJson<JsonElement>();
        var grouped = Assert.Single(package.GetProperty("sectionA").GetProperty("incidents").EnumerateArray(),
            i => i.GetProperty("sampleKeys").EnumerateArray().Any(k => k.GetString() == key));
        Assert.Equal((3, 2), (grouped.GetProperty("reports").GetInt32(), grouped.GetProperty("partners").GetInt32()));
    }

    [Fact]
    public async Task A_report_sharing_only_warning_listed_keys_is_linked_to_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        const string Noise = """[{"type":"ipv4","value":"8.8.8.8"},{"type":"domain","value":"docs.google.com"},{"type":"domain","value":"bit.ly"}]""";
        var first = await RoutedAsync(Body(tag + "-1", Noise));
        var second = await RoutedAsync(Body(tag + "-2", Noise), "other-partner");
        var messages = await DrainAsync(first, second);
        Assert.All(messages.Where(m => m.Key.Report == second), m => Assert.Empty(Related(m.Value)));
        var reasons = (await stack.GetReportAsync(second, stack.Token("other-partner"))).GetProperty("reasons").EnumerateArray()
            .Where(r => r.GetProperty("rule").GetString() == "correlation.warning-list").Select(r => r.GetProperty("evidence").GetString()!).Single();
        Assert.Contains("ipv4:8.8.8.8", reasons);
        Assert.Contains("domain:docs.google.com", reasons);
        Assert.Contains("domain:bit.ly", reasons);
    }

    [Fact]
    public async Task A_TLP_RED_report_is_named_only_to_the_agencies_it_was_sent_to()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var indicators = $$"""[{"type":"domain","value":"red-{{tag}}.example"}]""";
        var red = await RoutedAsync(Body(tag + "-red", indicators, tlp: "RED", recipients: """["odni"]"""));
        var later = await RoutedAsync(Body(tag + "-amber", indicators), "other-partner");
        var messages = await DrainAsync(red, later);

        Assert.Equal(["odni"], messages.Keys.Where(k => k.Report == red).Select(k => k.Agency));
        Assert.Equal([red], Related(messages[(later, "odni")]).Select(r => r.Id));
        Assert.Empty(Related(messages[(later, "dhs")]));
        Assert.Empty(Related(messages[(later, "doj")]));
        Assert.All(messages.Where(m => m.Key.Agency != "odni"), m => Assert.DoesNotContain(red, m.Value.GetRawText()));
    }

    private async Task<HttpResponseMessage> Get(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await stack.Http.SendAsync(request, Cancel);
    }

    private sealed class RelatedComparer : IEqualityComparer<(string Id, string[] Keys)>
    {
        public static readonly RelatedComparer Instance = new();
        public bool Equals((string Id, string[] Keys) x, (string Id, string[] Keys) y) => x.Id == y.Id && x.Keys.SequenceEqual(y.Keys);
        public int GetHashCode((string Id, string[] Keys) obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
