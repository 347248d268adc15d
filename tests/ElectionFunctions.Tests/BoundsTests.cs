using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using Microsoft.Extensions.Configuration;

namespace ElectionFunctions.Tests;

/// <summary>What keeps one request cheap: bounded error lists, linear STIX mapping, the stored document's size, the development-auth guard.</summary>
public sealed class BoundsTests(ITestOutputHelper output)
{
    [Fact]
    public void An_error_map_keeps_its_first_hundred_fields_with_bounded_text_and_counts_the_rest()
    {
        var errors = Enumerable.Range(0, 28_000).ToDictionary(i => $"indicators[{i}].type" + new string('x', i == 0 ? 5000 : 0),
            _ => new[] { new string('m', 10_000), "second", "third", "fourth" });
        var (kept, omitted) = Problems.Cap(errors);
        Assert.Equal(Problems.MaxErrors, kept.Count);
        Assert.Equal(28_000 - Problems.MaxErrors, omitted);
        Assert.All(kept, e => Assert.True(e.Key.Length <= Problems.MaxErrorText + 1 && e.Value.Length <= Problems.MaxMessagesPerField));
        Assert.All(kept.Values.SelectMany(m => m), m => Assert.True(m.Length <= Problems.MaxErrorText + 1));
        Assert.True(JsonSerializer.SerializeToUtf8Bytes(kept).Length < 64 * 1024);
    }

    [Fact]
    public void A_small_error_map_is_kept_whole()
    {
        var errors = new Dictionary<string, string[]> { ["title"] = ["Required."] };
        Assert.Equal((errors, 0), (Problems.Cap(errors).Errors.ToDictionary(), Problems.Cap(errors).Omitted), new ErrorsComparer());
    }

    private sealed class ErrorsComparer : IEqualityComparer<(Dictionary<string, string[]>, int)>
    {
        public bool Equals((Dictionary<string, string[]>, int) a, (Dictionary<string, string[]>, int) b) =>
            a.Item2 == b.Item2 && a.Item1.Count == b.Item1.Count && a.Item1.All(e => b.Item1.TryGetValue(e.Key, out var v) && v.SequenceEqual(e.Value));
        public int GetHashCode((Dictionary<string, string[]>, int) obj) => obj.Item2;
    }

    [Fact]
    public void The_largest_indicator_bundle_maps_in_one_pass()
    {
        var json = LargeBodies.IndicatorBundle();
        Assert.InRange(Encoding.UTF8.GetByteCount(json), 1000 * 1024, 1024 * 1024);
        using var document = JsonDocument.Parse(json);
        var watch = Stopwatch.StartNew();
        var mapped = OneMapped.From(new StixBundleMapper().Map(document.RootElement));
        output.WriteLine($"{mapped.Report!.Indicators!.Count} indicators mapped in {watch.ElapsedMilliseconds} ms");
        // More than the 500 a report may hold: the validator names that, once, instead of the mapper working for seconds.
        Assert.True(mapped.Report.Indicators.Count > 20_000);
        var (report, errors) = ContractTests.Validator.ValidateMapped(mapped.Report, mapped.Source, mapped.Tlp);
        Assert.Null(report);
        Assert.Contains(errors, e => e.Key.EndsWith(": indicators", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stored_document_writes_text_as_UTF_8_not_escapes()
    {
        var document = new ReportDocument
        {
            Id = "0123456789abcdef0123456789abcdef", PartnerId = "p", Status = ReportStatus.Received, ReceivedAt = DateTimeOffset.UnixEpoch,
            Sha256 = "", BlobPath = "", ContentType = "application/json", Tlp = "AMBER",
            Report = Reports.Native(narrative: "Выборы <script> & 選挙"),
        };
        var text = Encoding.UTF8.GetString(ReportStore.ToBytes(document));
        Assert.Contains("Выборы <script> & 選挙", text);
        Assert.Equal(document.Report.Narrative, JsonSerializer.Deserialize(text, ElectionJsonContext.Default.ReportDocument)!.Report.Narrative);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private const string Azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1";

    [Fact]
    public void Development_auth_may_run_only_against_loopback_endpoints_outside_Azure()
    {
        Assert.Null(DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", Azurite), ("Cosmos:Endpoint", "https://127.0.0.1:8081/"))));
        Assert.Null(DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("Cosmos:Endpoint", "https://localhost:8081/"))));

        Assert.Contains("WEBSITE_INSTANCE_ID", DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", Azurite), ("Cosmos:Endpoint", "https://127.0.0.1:8081/"), ("WEBSITE_INSTANCE_ID", "abc"))));
        Assert.Contains("Cosmos:Endpoint", DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", Azurite), ("Cosmos:Endpoint", "https://ef-prod.documents.azure.com:443/"))));
        Assert.Contains("BlobEndpoint", DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=efprod;AccountKey=a2V5;EndpointSuffix=core.windows.net"), ("Cosmos:Endpoint", "https://127.0.0.1:8081/"))));
        Assert.Contains("blobServiceUri", DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage:blobServiceUri", "https://efprod.blob.core.windows.net"), ("AzureWebJobsStorage:queueServiceUri", "https://efprod.queue.core.windows.net"), ("Cosmos:Endpoint", "https://127.0.0.1:8081/"))));
        Assert.Contains("Cosmos:Endpoint", DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", Azurite))));

        // Only the override named for what it accepts lets it start there.
        Assert.Null(DevelopmentAuthGuard.Refusal(Settings(("AzureWebJobsStorage", Azurite), ("Cosmos:Endpoint", "https://ef-prod.documents.azure.com:443/"),
            ("WEBSITE_INSTANCE_ID", "abc"), (DevelopmentAuthGuard.OverrideSetting, "true"))));
    }

    [Fact]
    public void The_app_refuses_to_start_with_development_auth_in_Azure()
    {
        var configuration = Settings(("DevelopmentAuth:SigningKeyFile", "/nonexistent.pem"), ("AzureWebJobsStorage", Azurite),
            ("Cosmos:Endpoint", "https://127.0.0.1:8081/"), ("WEBSITE_SITE_NAME", "electionfunctions-prod"));
        var error = Assert.Throws<InvalidOperationException>(() => new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddPartnerAuthentication(configuration));
        Assert.Contains(DevelopmentAuthGuard.OverrideSetting, error.Message);
    }

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new Microsoft.Azure.Cosmos.CosmosException("down", System.Net.HttpStatusCode.ServiceUnavailable, 0, "", 0), true },
        { new Microsoft.Azure.Cosmos.CosmosException("slow", System.Net.HttpStatusCode.RequestTimeout, 0, "", 0), true },
        { new Microsoft.Azure.Cosmos.CosmosException("throttled", (System.Net.HttpStatusCode)429, 0, "", 0), true },
        { new Microsoft.Azure.Cosmos.CosmosException("no role", System.Net.HttpStatusCode.Forbidden, 0, "", 0), false },
        { new Microsoft.Azure.Cosmos.CosmosException("too large", System.Net.HttpStatusCode.RequestEntityTooLarge, 0, "", 0), false },
        { new Azure.RequestFailedException(503, "down"), true },
        { new Azure.RequestFailedException(0, "no answer"), true },
        { new Azure.RequestFailedException(403, "firewall"), false },
        { new HttpRequestException("refused"), true },
        { new TaskCanceledException("timeout"), true },
        { new AggregateException(new Azure.RequestFailedException(500, "a"), new HttpRequestException("b")), true },
        { new AggregateException(new Azure.RequestFailedException(500, "a"), new Azure.RequestFailedException(403, "b")), false },
        { new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Outages_are_503_and_our_own_faults_500(Exception error, bool transient) =>
        Assert.Equal(transient, ExceptionProblems.IsTransient(error));

    [Fact]
    public void Indicators_kept_twice_by_an_older_document_are_listed_once()
    {
        var report = Reports.Native() with { Indicators = [new Indicator("ipv4", "203.0.113.9")] };
        var document = new ReportDocument
        {
            Id = "0123456789abcdef0123456789abcdef", PartnerId = "p", Status = ReportStatus.Routed, ReceivedAt = DateTimeOffset.UnixEpoch,
            Sha256 = "", BlobPath = "", ContentType = "application/json", Tlp = "AMBER", Report = report,
            Classification = new ClassificationResult([], "low", false, [], [], DateTimeOffset.UnixEpoch, "", [new Indicator("ipv4", "203.0.113.9"), new Indicator("domain", "bad.example")]),
        };
        Assert.Equal([new Indicator("ipv4", "203.0.113.9"), new Indicator("domain", "bad.example")], ReportIndicators.All(document));
    }

    [Fact]
    public void A_partner_limit_below_one_stops_the_app_at_start()
    {
        var configuration = Settings(("Partners:Registry:p:DisplayName", "p"), ("Partners:Registry:p:Kind", "isac"), ("Partners:Registry:p:Burst", "0"));
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddElectionFunctions(configuration);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var options = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<PartnerOptions>>(provider);
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _ = options.Value);
        Assert.Contains("at least 1", error.Message);
    }

    [Fact]
    public void A_STIX_value_of_the_wrong_kind_is_no_exception()
    {
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(TestPaths.Sample("incident.stix.json"))!;
        bundle["objects"]![6]!["external_references"] = System.Text.Json.Nodes.JsonNode.Parse("""["GA-SOS-2026-0193", 7, null]""");
        using var document = JsonDocument.Parse(bundle.ToJsonString());
        var mapped = OneMapped.From(new StixBundleMapper().Map(document.RootElement));
        Assert.Equal("report--6b7c8d9e-0f1a-4b2c-9d3e-5f6a7b8c9da4", mapped.Report!.PartnerReference);
    }
}
