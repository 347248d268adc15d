// Over 200 lines: the local host's end-to-end cases beyond the shared scenario list (agency queues drained, claim checks, the consumer sample).
using ElectionFunctions.Operations;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ElectionFunctions.Reporting;
using ElectionFunctions.Security;
using Json.Schema;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// The walking skeleton's promise, through the local host on the real emulators. The only class that
/// consumes the agency queues, so its counts are not disturbed by other tests.
/// </summary>
[Collection(PackageCompiles.Name)]
public sealed class EndToEndTests(LocalStack stack)
{
    private static readonly string[] Agencies = AgencyQueues.Agencies;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_report_goes_from_POST_to_exactly_one_message_per_routed_agency_and_into_the_package()
    {
        var body = Bodies.Incident("end-to-end " + Guid.NewGuid());
        using var response = await stack.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var reportId = accepted.GetProperty("reportId").GetString()!;
        Assert.Equal("received", accepted.GetProperty("status").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), accepted.GetProperty("sha256").GetString());
        Assert.Equal(accepted.GetProperty("statusUrl").GetString(), response.Headers.Location!.ToString());

        var routed = await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        Assert.Equal(["election-infrastructure"], routed.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("high", routed.GetProperty("severity").GetString());
        var routing = routed.GetProperty("routing").EnumerateArray().ToList();
        // DOMAIN.md: odni (in scope), dhs (election infrastructure), doj (access gained), treasury (named foreign entity).
        Assert.Equal(Agencies, routing.Select(r => r.GetProperty("agency").GetString()));
        Assert.All(routing, r => Assert.Equal("sent", r.GetProperty("status").GetString()));
        Assert.Contains(routed.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "routing.matrix.treasury");

        var messages = await DrainAgencyQueuesAsync(reportId);
        Assert.Equal(Agencies, messages.Keys.Order(StringComparer.Ordinal));
        Assert.All(messages.Values, m => Assert.Single(m));
        Assert.All(messages.Values, m => Assert.True(AgencySchema.Evaluate(m[0], new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid, m[0].GetRawText()));
        Assert.Equal($"{reportId}:dhs", messages["dhs"][0].GetProperty("messageId").GetString());
        Assert.Equal("jane.roe@sos.ga.gov", messages["doj"][0].GetProperty("report").GetProperty("contact").GetProperty("email").GetString());
        Assert.False(messages["odni"][0].GetProperty("report").TryGetProperty("contact", out _));

        // The raw body is kept byte for byte, write-once.
        var blobPath = messages["odni"][0].GetProperty("blobPath").GetString()!;
        var raw = await stack.Service<BlobServiceClient>().GetBlobContainerClient("submissions")
            .GetBlobClient(blobPath["submissions/".Length..]).DownloadContentAsync(Cancel);
        Assert.Equal(body, raw.Value.Content.ToString());

        // The package counts the report, and its manifest hashes what was written.
        using var compile = new HttpRequestMessage(HttpMethod.Post, "/api/elections/2026-11-03-general/package");
        compile.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Token("operator", [AppRoles.CompilePackages]));
        using var compiled = await stack.Http.SendAsync(compile, Cancel);
        Assert.Equal(HttpStatusCode.Created, compiled.StatusCode);
        var result = await compiled.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var packages = stack.Service<BlobServiceClient>().GetBlobContainerClient("packages");
        var prefix = result.GetProperty("path").GetString()!["packages/".Length..];
        var reportsCsv = (await packages.GetBlobClient(prefix + "reports.csv").DownloadContentAsync(Cancel)).Value.Content.ToString();
        Assert.Contains("\r\n" + reportId + ",", reportsCsv);
        var packageBytes = (await packages.GetBlobClient(prefix + "package.json").DownloadContentAsync(Cancel)).Value.Content.ToArray();
        using var package = JsonDocument.Parse(packageBytes);
        Assert.Equal(result.GetProperty("reports").GetInt32(), package.RootElement.GetProperty("reports").GetInt32());
        Assert.True(package.RootElement.GetProperty("sectionD").GetProperty("byAgency").GetProperty("treasury").GetInt32() >= 1);
        Assert.Contains(package.RootElement.GetProperty("sectionA").GetProperty("governments").EnumerateArray(), g => g.GetProperty("country").GetString() == "IR");
        using var manifest = JsonDocument.Parse((await packages.GetBlobClient(prefix + "manifest.json").DownloadContentAsync(Cancel)).Value.Content.ToArray());
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["package.json", "package.stix.json", "report.html", "reports.csv", "section-a.csv", "section-b.csv", "section-c.csv"],
            files.Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var bytes = (await packages.GetBlobClient(prefix + file.GetProperty("name").GetString()).DownloadContentAsync(Cancel)).Value.Content.ToArray();
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    [Fact]
    public async Task An_out_of_scope_report_is_answered_and_recorded_but_sent_nowhere()
    {
        using var response = await stack.SubmitAsync(Bodies.OutOfScope(Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;

        var routed = await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        Assert.Equal(["out-of-scope"], routed.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("2026-11-03-general", routed.GetProperty("electionId").GetString());
        Assert.Empty(routed.GetProperty("routing").EnumerateArray());
        Assert.Contains(routed.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "routing.out-of-scope");
        Assert.Empty(await DrainAgencyQueuesAsync(reportId));
    }

    [Fact]
    public async Task A_tlp_red_report_reaches_only_its_named_recipient()
    {
        using var response = await stack.SubmitAsync(Bodies.Incident("red " + Guid.NewGuid(), tlp: "RED", recipients: "[\"dhs\"]"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;

        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        var messages = await DrainAgencyQueuesAsync(reportId);
        Assert.Equal(["dhs"], messages.Keys);
        Assert.Equal("RED", Assert.Single(messages["dhs"]).GetProperty("tlp").GetString());
    }

    [Fact]
    public async Task The_timer_handler_compiles_every_election_from_its_day_on()
    {
        // Today (2026-11-24 when written) lies inside the 2026 general's window; the handler uses the real clock.
        var results = await stack.Service<PackageHandler>().CompileDueAsync(Cancel);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var calendar = stack.Service<Microsoft.Extensions.Options.IOptions<ElectionsOptions>>().Value.Calendar;
        // Every election from its day on: drafts until the due date, then the final, then addenda when reports arrive.
        Assert.Equal(calendar.Count(e => today >= e.Date), results.Count);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { CompileOutcome.Compiled, CompileOutcome.NothingNew }));
        Assert.All(results.Where(r => r.Package is not null), r => Assert.Matches("^(draft-[0-9]{3}|final|addendum-[0-9]{3})$", r.Package!.Version));
    }

    /// <summary>A classified report written straight to Cosmos DB: no queue message, so only the test's own calls route it.</summary>
    private async Task<string> ClassifiedReportAsync(string tag)
    {
        using var document = JsonDocument.Parse(Bodies.Incident(tag));
        var report = stack.Service<Intake.SubmissionValidator>().Validate(document.RootElement).Report!;
        var id = Guid.NewGuid().ToString("N");
        await stack.Service<ReportStore>().TryCreateAsync(new ReportDocument
        {
            Id = id, PartnerId = TestPartners.Partner, Status = "classified", ReceivedAt = DateTimeOffset.UtcNow,
            Sha256 = new string('0', 64), BlobPath = "submissions/none.json", ContentType = "application/json",
            ElectionId = report.ElectionId, Tlp = report.Tlp!, Report = report,
            Classification = stack.Service<Classification.Classifier>().Classify(report),
        }, Cancel);
        return id;
    }

    [Fact]
    public async Task The_same_route_message_delivered_50_times_at_once_sends_exactly_one_message_per_agency()
    {
        var reportId = await ClassifiedReportAsync("fifty " + Guid.NewGuid());
        var handler = stack.Service<Routing.RoutingHandler>();
        var message = $"{{\"reportId\":\"{reportId}\"}}";

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => handler.HandleAsync(message, Cancel), Cancel)));

        var messages = await DrainAgencyQueuesAsync(reportId);
        Assert.Equal(Agencies, messages.Keys.Order(StringComparer.Ordinal));
        Assert.All(messages.Values, m => Assert.Single(m));
        var routed = (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value;
        Assert.Equal("routed", routed.Status);
        Assert.All(routed.Routing, r => Assert.Equal("sent", r.Status));
    }

    [Fact]
    public async Task A_publish_failing_half_way_is_retried_for_the_remaining_agencies_only()
    {
        var reportId = await ClassifiedReportAsync("half " + Guid.NewGuid());
        var message = $"{{\"reportId\":\"{reportId}\"}}";
        var failing = new FailingPublisher(stack.Service<Routing.IAgencyPublisher>(), failOn: "doj");
        var handler = new Routing.RoutingHandler(stack.Service<Routing.RoutingDecider>(), stack.Service<Correlation.CorrelationIndex>(), stack.Service<ElectionFunctions.Taxii.TaxiiFeed>(), failing, stack.Service<ReportStore>(),
            stack.Service<ProcessingFailures>(), stack.Service<Microsoft.Extensions.Options.IOptions<Routing.RoutingOptions>>(), stack.Service<Microsoft.Extensions.Options.IOptions<Acknowledgements.AcknowledgementOptions>>(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Routing.RoutingHandler>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => handler.HandleAsync(message, Cancel));
        var partial = (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value;
        Assert.Equal("classified", partial.Status);
        Assert.Equal(["sent", "pending", "pending", "pending"], partial.Routing.Select(r => r.Status)); // dhs went out before doj failed

        await stack.Service<Routing.RoutingHandler>().HandleAsync(message, Cancel);
        var messages = await DrainAgencyQueuesAsync(reportId);
        Assert.Equal(Agencies, messages.Keys.Order(StringComparer.Ordinal));
        Assert.All(messages.Values, m => Assert.Single(m));
        Assert.Equal("routed", (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value.Status);
    }

    private sealed class FailingPublisher(Routing.IAgencyPublisher inner, string failOn) : Routing.IAgencyPublisher
    {
        public Task PublishAsync(Routing.AgencyMessage message, CancellationToken cancellationToken) =>
            message.Agency == failOn ? throw new InvalidOperationException("queue down") : inner.PublishAsync(message, cancellationToken);
    }

    private static readonly JsonSchema AgencySchema = LoadAgencySchema();

    private static JsonSchema LoadAgencySchema()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectionFunctions.sln"))) root = Path.GetDirectoryName(root)!;
        return JsonSchema.FromText(File.ReadAllText(Path.Combine(root, "docs", "schemas", "agency-message-v1.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    [Fact]
    public async Task A_message_too_large_for_the_queue_travels_as_a_claim_check_to_the_agencys_container()
    {
        // 150 KB of narrative: over a storage queue message, within the intake limit.
        var body = System.Text.Json.Nodes.JsonNode.Parse(Bodies.Incident("large " + Guid.NewGuid()))!;
        body["narrative"] = "Operators linked to the IRGC exfiltrated logs. " + string.Join(" ", Enumerable.Repeat("Log line with details.", 7000));
        using var response = await stack.SubmitAsync(body.ToJsonString());
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));

        var messages = await DrainAgencyQueuesAsync(reportId);
        Assert.Equal(Agencies, messages.Keys.Order(StringComparer.Ordinal));
        foreach (var (agency, list) in messages)
        {
            var envelope = Assert.Single(list);
            Assert.True(AgencySchema.Evaluate(envelope, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid, envelope.GetRawText());
            var claim = envelope.GetProperty("claimCheck");
            var path = claim.GetProperty("blobPath").GetString()!;
            Assert.StartsWith($"agency-{agency}/", path);
            var blob = (await stack.Service<BlobServiceClient>().GetBlobContainerClient($"agency-{agency}").GetBlobClient(path[(path.IndexOf('/') + 1)..])
                .DownloadContentAsync(Cancel)).Value.Content.ToArray();
            Assert.Equal(claim.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(blob)));
            using var full = JsonDocument.Parse(blob);
            Assert.True(AgencySchema.Evaluate(full.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid);
            Assert.Equal(body["narrative"]!.GetValue<string>(), full.RootElement.GetProperty("report").GetProperty("narrative").GetString());
            Assert.Equal(envelope.GetProperty("messageId").GetString(), full.RootElement.GetProperty("messageId").GetString());
        }
    }

    [Fact]
    public async Task The_documented_consumer_sample_runs_and_reads_the_report_from_its_queue()
    {
        using var response = await stack.SubmitAsync(Bodies.Incident("consumer sample " + Guid.NewGuid()));
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));

        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectionFunctions.sln"))) root = Path.GetDirectoryName(root)!;
        var connection = stack.Service<Microsoft.Extensions.Configuration.IConfiguration>()["AzureWebJobsStorage"]!;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "docs/agency-consumer/AgencyConsumer.cs", "--", "storage", connection, "odni", "--once" }) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var errors = process.StandardError.ReadToEndAsync(Cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await output + await errors);
        Assert.Contains($"{reportId}:odni  TLP:AMBER  high  [election-infrastructure]", await output);
        Assert.Contains("routing.matrix.odni: in-scope", await output);
    }

    /// <summary>Consumes every agency queue as an agency would (receive, then delete), returning this report's messages by agency.</summary>
    private async Task<Dictionary<string, List<JsonElement>>> DrainAgencyQueuesAsync(string reportId) =>
        (await AgencyQueues.DrainAsync(stack.Service<QueueServiceClient>(), Cancel))
            .Where(m => m.Message.GetProperty("reportId").GetString() == reportId)
            .GroupBy(m => m.Agency).ToDictionary(g => g.Key, g => g.Select(m => m.Message).ToList(), StringComparer.Ordinal);
}
