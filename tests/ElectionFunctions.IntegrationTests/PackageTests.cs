using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using ElectionFunctions.Reporting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// The package life cycle on the real emulators over a generated election of a few thousand reports,
/// with a clock the test moves and an election of its own (the app's timer never sees it).
/// </summary>
public sealed class PackageTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly TimeSpan Grace = new ElectionsOptions().SealGrace;

    private PackageCompiler Compiler(Election election, TimeProvider clock) => new(stack.Service<ReportStore>(), stack.Service<PackageStore>(),
        stack.Service<BlobServiceClient>(), Options.Create(new ElectionsOptions { Calendar = [election] }), clock, NullLogger<PackageCompiler>.Instance);

    private BlobContainerClient Packages => stack.Service<BlobServiceClient>().GetBlobContainerClient("packages");

    private async Task InsertAsync(IEnumerable<ReportDocument> reports) =>
        await Parallel.ForEachAsync(reports, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Cancel },
            async (r, ct) => Assert.True(await stack.Service<ReportStore>().TryCreateAsync(r, ct)));

    private async Task<byte[]> DownloadAsync(string path) =>
        (await stack.Service<BlobServiceClient>().GetBlobContainerClient("packages").GetBlobClient(path).DownloadContentAsync(Cancel)).Value.Content.ToArray();

    [Fact]
    public async Task Drafts_until_the_due_date_then_a_sealed_reproducible_final_then_addenda_once_each()
    {
        var election = new Election { Id = $"2026-06-02-test-{Guid.NewGuid():N}"[..40], Date = new DateOnly(2026, 6, 2) };
        var start = new DateTimeOffset(2026, 5, 13, 0, 0, 0, TimeSpan.Zero);
        var reports = GeneratedElection.Reports(election.Id, 2000, start, seed: 2026).ToList();
        await InsertAsync(reports);
        var clock = new Clock(new DateTimeOffset(2026, 6, 5, 6, 0, 0, TimeSpan.Zero));
        var compiler = Compiler(election, clock);

        var first = await compiler.CompileAsync(election.Id, Cancel);
        clock.Now = clock.Now.AddDays(1);
        var second = await compiler.CompileAsync(election.Id, Cancel);
        Assert.Equal(("draft-001", "draft", 2000), (first.Package!.Version, first.Package.Kind, first.Package.Reports));
        Assert.Equal("draft-002", second.Package!.Version);

        clock.Now = new DateTimeOffset(2026, 7, 17, 6, 0, 0, TimeSpan.Zero); // election day + 45
        var final = (await compiler.CompileAsync(election.Id, Cancel)).Package!;
        Assert.Equal(("final", "final", 2000), (final.Version, final.Kind, final.Reports));

        // Streamed from Cosmos DB, paged and ordered, it is the same package as the same reports folded here.
        var tables = Enumerable.Range(0, 4).Select(_ => new StringWriter()).ToArray();
        var aggregator = new PackageAggregator(new PackageTables(tables[0], tables[1], tables[2], tables[3]));
        foreach (var r in reports.OrderBy(r => r.Id, StringComparer.Ordinal)) aggregator.Add(r);
        var expected = JsonSerializer.SerializeToUtf8Bytes(aggregator.Build(election, 45, "final", "final", null, clock.Now - Grace), ElectionJsonContext.Default.ElectionPackage);
        Assert.Equal(expected, await DownloadAsync($"{election.Id}/final/package.json"));

        // Sealed: every file is in the manifest with its hash, and rebuilding from unchanged data gives the same bytes.
        using var manifest = JsonDocument.Parse(await DownloadAsync($"{election.Id}/final/manifest.json"));
        foreach (var file in manifest.RootElement.GetProperty("files").EnumerateArray())
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(await DownloadAsync($"{election.Id}/final/{file.GetProperty("name").GetString()}"))));
        Assert.Equal(final.Files, await compiler.RebuildAsync(election.Id, "final", Cancel));

        // Nothing new: no addendum. Then late reports, and five compiles at once: one addendum, with only them.
        clock.Now = clock.Now.AddDays(1);
        Assert.Equal(CompileOutcome.NothingNew, (await compiler.CompileAsync(election.Id, Cancel)).Outcome);
        var late = GeneratedElection.Reports(election.Id, 12, clock.Now.AddHours(-1), seed: 7).Select(r => r with { ReceivedAt = clock.Now.AddMinutes(-30) }).ToList();
        await InsertAsync(late);
        clock.Now = clock.Now.AddHours(1);
        var burst = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => compiler.CompileAsync(election.Id, Cancel), Cancel)));
        var compiled = Assert.Single(burst, r => r.Outcome == CompileOutcome.Compiled);
        Assert.All(burst.Where(r => r != compiled), r => Assert.Contains(r.Outcome, new[] { CompileOutcome.Busy, CompileOutcome.NothingNew }));
        Assert.Equal(("addendum-001", 12), (compiled.Package!.Version, compiled.Package.Reports));
        var state = (await stack.Service<PackageStore>().ReadOrCreateAsync(election.Id, Cancel)).Value;
        Assert.Equal(["draft-001", "draft-002", "final", "addendum-001"], state.Versions.Select(v => v.Version));
        Assert.Null(state.LeaseHolder);
        Assert.Equal(compiled.Package.Files, await compiler.RebuildAsync(election.Id, "addendum-001", Cancel));
    }

    [Fact]
    public async Task The_seal_cut_off_puts_every_report_in_the_final_or_the_first_addendum()
    {
        // receivedAt is stamped before the report is written: one stamped just before the final's start may be stored
        // after the final's query passed it. The final ends SealGrace before its start, the addendum takes what follows.
        var election = new Election { Id = $"2026-06-02-seal-{Guid.NewGuid():N}"[..40], Date = new DateOnly(2026, 6, 2) };
        var sealAt = new DateTimeOffset(2026, 7, 17, 6, 0, 0, TimeSpan.Zero);
        var reports = GeneratedElection.Reports(election.Id, 4, sealAt.AddDays(-3), seed: 11).ToList();
        var before = reports[0] with { ReceivedAt = sealAt - Grace - TimeSpan.FromSeconds(1) };
        var atCutOff = reports[1] with { ReceivedAt = sealAt - Grace };
        var inFlight = reports[2] with { ReceivedAt = sealAt - TimeSpan.FromSeconds(2) };
        await InsertAsync([before, atCutOff, inFlight]);
        var clock = new Clock(sealAt);
        var compiler = Compiler(election, clock);

        var final = (await compiler.CompileAsync(election.Id, Cancel)).Package!;
        Assert.Equal(("final", 2), (final.Version, final.Reports));
        var finalIds = await ReportIdsAsync(election.Id, "final");
        Assert.Equal(new[] { before.Id, atCutOff.Id }.Order(StringComparer.Ordinal), finalIds);

        // Stored after the final's query (stamped before it started): in the first addendum, with the one in flight.
        var late = reports[3] with { ReceivedAt = sealAt - TimeSpan.FromSeconds(1) };
        await InsertAsync([late]);
        clock.Now = sealAt.AddDays(1);
        var addendum = (await compiler.CompileAsync(election.Id, Cancel)).Package!;
        Assert.Equal(("addendum-001", 2), (addendum.Version, addendum.Reports));
        Assert.Equal(new[] { inFlight.Id, late.Id }.Order(StringComparer.Ordinal), await ReportIdsAsync(election.Id, "addendum-001"));
        var state = (await stack.Service<PackageStore>().ReadOrCreateAsync(election.Id, Cancel)).Value;
        Assert.Equal([(null, sealAt - Grace), (sealAt - Grace, clock.Now - Grace)], state.Versions.Select(v => (v.From, v.Through)));
    }

    [Fact]
    public async Task A_version_committed_by_a_compile_that_stopped_before_recording_it_is_recorded_not_rewritten()
    {
        var election = new Election { Id = $"2026-06-02-adopt-{Guid.NewGuid():N}"[..40], Date = new DateOnly(2026, 6, 2) };
        await InsertAsync(GeneratedElection.Reports(election.Id, 30, new DateTimeOffset(2026, 5, 20, 0, 0, 0, TimeSpan.Zero), seed: 3));
        var clock = new Clock(new DateTimeOffset(2026, 7, 17, 6, 0, 0, TimeSpan.Zero));
        var compiler = Compiler(election, clock);
        var final = (await compiler.CompileAsync(election.Id, Cancel)).Package!;
        var etags = await EtagsAsync(election.Id, "final");

        // The state as it was before the compile recorded the final: the manifest exists, the state does not say so.
        var states = stack.Service<PackageStore>();
        var stored = await states.ReadOrCreateAsync(election.Id, Cancel);
        Assert.NotNull(await states.TryReplaceAsync(stored.Value with { SealedThrough = null, CoveredThrough = null, Versions = [] }, stored.ETag, Cancel));

        clock.Now = clock.Now.AddHours(1);
        var again = await compiler.CompileAsync(election.Id, Cancel);
        Assert.Equal((CompileOutcome.Compiled, "final", 30), (again.Outcome, again.Package!.Version, again.Package.Reports));
        Assert.Equal(final.Files, again.Package.Files);
        Assert.Equal(etags, await EtagsAsync(election.Id, "final"));
        var state = (await states.ReadOrCreateAsync(election.Id, Cancel)).Value;
        Assert.Equal([("final", final.Reports)], state.Versions.Select(v => (v.Version, v.Reports)));
        Assert.NotNull(state.SealedThrough);
    }

    [Fact]
    public async Task The_timer_writes_no_draft_when_no_report_changed_since_the_last()
    {
        // In its draft period by the real clock, which Cosmos DB's _ts (a report's last write, in seconds) also follows.
        var election = new Election { Id = $"skip-{Guid.NewGuid():N}"[..36], Date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3) };
        var reports = GeneratedElection.Reports(election.Id, 6, DateTimeOffset.UtcNow.AddDays(-2), seed: 9).ToList();
        await InsertAsync(reports.Take(5));
        // The draft's instant in a later second than every write (_ts counts seconds).
        var written = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() <= written) await Task.Delay(50, Cancel);
        var compiler = Compiler(election, TimeProvider.System);

        var first = await compiler.CompileAsync(election.Id, Cancel, onlyIfChanged: true);
        Assert.Equal(("draft-001", 5), (first.Package!.Version, first.Package.Reports));
        Assert.Equal(CompileOutcome.NothingNew, (await compiler.CompileAsync(election.Id, Cancel, onlyIfChanged: true)).Outcome);

        await InsertAsync(reports.Skip(5));
        var second = await compiler.CompileAsync(election.Id, Cancel, onlyIfChanged: true);
        Assert.Equal(("draft-002", 6), (second.Package!.Version, second.Package.Reports));
        // On demand, an operator gets a draft even when nothing changed.
        Assert.Equal("draft-003", (await compiler.CompileAsync(election.Id, Cancel)).Package!.Version);
    }

    [Fact]
    public async Task The_lease_is_renewed_while_its_holder_runs_and_given_back_when_it_ends()
    {
        var electionId = $"lease-{Guid.NewGuid():N}";
        var states = stack.Service<PackageStore>();
        var length = TimeSpan.FromSeconds(3);
        await using (var lease = await PackageLease.TryTakeAsync(states, electionId, TimeProvider.System, length, NullLogger.Instance, Cancel))
        {
            Assert.NotNull(lease);
            var taken = lease.State.LeaseUntil!.Value;
            // Two renewals (each a third of the length): two later ends written, and nobody else can take the lease meanwhile.
            var ends = new HashSet<DateTimeOffset> { taken };
            while (ends.Count < 3)
            {
                await Task.Delay(200, Cancel);
                var until = (await states.ReadOrCreateAsync(electionId, Cancel)).Value.LeaseUntil!.Value;
                Assert.True(until >= ends.Max(), "the lease's end never moves back");
                ends.Add(until);
                Assert.Null(await PackageLease.TryTakeAsync(states, electionId, TimeProvider.System, length, NullLogger.Instance, Cancel));
            }
            Assert.False(lease.Lost.IsCancellationRequested);
        }
        var released = (await states.ReadOrCreateAsync(electionId, Cancel)).Value;
        Assert.Null(released.LeaseHolder);
        await using var next = await PackageLease.TryTakeAsync(states, electionId, TimeProvider.System, length, NullLogger.Instance, Cancel);
        Assert.NotNull(next);
    }

    private async Task<List<string>> ReportIdsAsync(string electionId, string version)
    {
        var csv = System.Text.Encoding.UTF8.GetString(await DownloadAsync($"{electionId}/{version}/reports.csv"));
        return [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Skip(1).Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal)];
    }

    private async Task<Dictionary<string, string>> EtagsAsync(string electionId, string version)
    {
        var etags = new Dictionary<string, string>();
        await foreach (var blob in Packages.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{electionId}/{version}/", Cancel))
            etags[blob.Name] = blob.Properties.ETag!.Value.ToString();
        return etags;
    }

    [Fact]
    public async Task The_report_html_is_served_from_blob_self_contained_and_escaped()
    {
        var election = new Election { Id = $"2026-11-03-html-{Guid.NewGuid():N}"[..40], Date = new DateOnly(2026, 11, 3) };
        await InsertAsync(GeneratedElection.Reports(election.Id, 300, new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero), seed: 5));
        var result = (await Compiler(election, new Clock(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero))).CompileAsync(election.Id, Cancel)).Package!;
        var html = System.Text.Encoding.UTF8.GetString(await DownloadAsync($"{election.Id}/{result.Version}/report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("<svg", html);
        Assert.True(StixIsWellFormed(await DownloadAsync($"{election.Id}/{result.Version}/package.stix.json")));

        // A person opens it: headless Chromium (Debian's package; make test installs it) renders it with no console message.
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectionFunctions.sln"))) root = Path.GetDirectoryName(root)!;
        var output = Directory.CreateDirectory(Path.Combine(root, "TestResults", "screenshots")).FullName;
        var page = Path.Combine(output, "report.html");
        var screenshot = Path.Combine(output, "report.png");
        await File.WriteAllTextAsync(page, html, Cancel);
        File.Delete(screenshot);
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed: run make test (it installs it as root) or apt-get install chromium.");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}", "--enable-logging=stderr", "--v=0",
            "--window-size=1200,2000", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri })
            start.ArgumentList.Add(a);
        using var chromium = System.Diagnostics.Process.Start(start)!;
        var log = chromium.StandardError.ReadToEndAsync(Cancel);
        _ = chromium.StandardOutput.ReadToEndAsync(Cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await chromium.WaitForExitAsync(timeout.Token);
        profile.Delete(recursive: true);

        Assert.Equal(0, chromium.ExitCode);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "no screenshot");
        // Page console messages (errors, blocked content, CSP refusals) are logged as CONSOLE lines.
        Assert.DoesNotContain((await log).Split('\n'), line => line.Contains("CONSOLE") || line.Contains("Refused to"));
    }

    private static bool StixIsWellFormed(byte[] bundle)
    {
        using var document = JsonDocument.Parse(bundle);
        return document.RootElement.GetProperty("type").GetString() == "bundle"
            && document.RootElement.GetProperty("objects").EnumerateArray().Count(o => o.GetProperty("type").GetString() == "report") == 1;
    }
}
