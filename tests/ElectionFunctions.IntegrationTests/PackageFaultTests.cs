using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using ElectionFunctions.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// The package under a fault: Cosmos DB goes away in the middle of a compile, after its files were opened and while it
/// reads the reports. No version is committed (no manifest, nothing recorded), and the next compile succeeds.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class PackageFaultTests(FaultStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Real time moved to a day of the election's calendar, so leases run out as they would.</summary>
    private sealed class Shifted(DateTimeOffset to) : TimeProvider
    {
        private readonly TimeSpan _offset = to - DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;
    }

    /// <summary>The compiler's log, which suspends Cosmos DB when the compile starts streaming the reports into its files.</summary>
    private sealed class OutageWhenStreaming(FaultStack stack) : ILogger<PackageCompiler>
    {
        public int Fired;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("streaming the reports", StringComparison.Ordinal) && Interlocked.Exchange(ref Fired, 1) == 0)
                stack.Emulators.SuspendCosmosAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    [Fact]
    public async Task Cosmos_DB_outage_mid_compile_commits_nothing_and_the_next_compile_succeeds()
    {
        var election = new Election { Id = $"2026-06-02-fault-{Guid.NewGuid():N}"[..40], Date = new DateOnly(2026, 6, 2) };
        var reports = GeneratedElection.Reports(election.Id, 40, new DateTimeOffset(2026, 5, 20, 0, 0, 0, TimeSpan.Zero), seed: 17).ToList();
        var store = stack.Service<ReportStore>();
        foreach (var r in reports) Assert.True(await store.TryCreateAsync(r, Cancel));
        var options = Options.Create(new ElectionsOptions { Calendar = [election], PackageLease = TimeSpan.FromSeconds(3) });
        var clock = new Shifted(new DateTimeOffset(2026, 7, 17, 6, 0, 0, TimeSpan.Zero));
        var packages = stack.Service<BlobServiceClient>().GetBlobContainerClient("packages");
        var outage = new OutageWhenStreaming(stack);
        var failing = new PackageCompiler(store, stack.Service<PackageStore>(), stack.Service<BlobServiceClient>(), options, clock, outage);

        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => failing.CompileAsync(election.Id, Cancel));
            Assert.Equal(1, outage.Fired);
            // Cosmos DB's failure, as the SDK reports an endpoint that went away (not the test's own doing).
            Assert.True(error is Microsoft.Azure.Cosmos.CosmosException or HttpRequestException, error.ToString());
            // The stopped compile's files may be there; its manifest is not, so it is no version.
            var left = await NamesAsync(packages, $"{election.Id}/final/");
            Assert.NotEmpty(left);
            Assert.DoesNotContain("manifest.json", left);
        }
        finally
        {
            await stack.Emulators.ResumeCosmosAsync(Cancel);
        }
        var recorded = (await stack.Service<PackageStore>().ReadOrCreateAsync(election.Id, Cancel)).Value;
        Assert.Empty(recorded.Versions);

        // The next compile: once the stopped compile's lease is given back or has run out (3 s), it succeeds.
        var compiler = new PackageCompiler(store, stack.Service<PackageStore>(), stack.Service<BlobServiceClient>(), options, clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PackageCompiler>.Instance);
        CompileResult next;
        while ((next = await compiler.CompileAsync(election.Id, Cancel)).Outcome == CompileOutcome.Busy) await Task.Delay(250, Cancel);
        Assert.Equal((CompileOutcome.Compiled, "final", reports.Count), (next.Outcome, next.Package!.Version, next.Package.Reports));

        // What a reader starts from, the manifest, names exactly the files there, each with its hash.
        using var manifest = JsonDocument.Parse((await packages.GetBlobClient($"{election.Id}/final/manifest.json").DownloadContentAsync(Cancel)).Value.Content);
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal([.. files.Keys.Append("manifest.json").Order(StringComparer.Ordinal)], await NamesAsync(packages, $"{election.Id}/final/"));
        foreach (var (name, sha256) in files)
        {
            var content = (await packages.GetBlobClient($"{election.Id}/final/{name}").DownloadContentAsync(Cancel)).Value.Content.ToArray();
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(content)));
        }
        Assert.Equal(["final"], (await stack.Service<PackageStore>().ReadOrCreateAsync(election.Id, Cancel)).Value.Versions.Select(v => v.Version));
    }

    private static async Task<List<string>> NamesAsync(BlobContainerClient container, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, Cancel)) names.Add(blob.Name[prefix.Length..]);
        return [.. names.Order(StringComparer.Ordinal)];
    }
}
