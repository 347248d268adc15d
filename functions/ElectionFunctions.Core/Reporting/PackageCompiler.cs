using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Reporting;

public enum CompileOutcome
{
    Compiled,
    NothingNew,
    Busy,
    UnknownElection,
}

public sealed record CompileResult(CompileOutcome Outcome, PackageResult? Package);

/// <summary>
/// The 45-day package. Before the due date each compile writes a new draft; on or after it, the final
/// (sealed) version; after that, reports received since go into numbered addenda. A lease in the
/// election's package state (taken with an ETag) makes concurrent compiles one compile. Files stream
/// from one ordered cross-partition query into Blob Storage under packages/{electionId}/{version}/;
/// sealed files are create-only and rebuild byte for byte from unchanged data.
/// </summary>
public sealed partial class PackageCompiler(
    ReportStore reports,
    PackageStore states,
    BlobServiceClient blobs,
    IOptions<ElectionsOptions> elections,
    TimeProvider time,
    ILogger<PackageCompiler> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    public async Task<CompileResult> CompileAsync(string electionId, CancellationToken cancellationToken)
    {
        if (elections.Value.Find(electionId) is not { } election) return new(CompileOutcome.UnknownElection, null);

        var now = time.GetUtcNow();
        var holder = Guid.NewGuid().ToString("N");
        var current = await states.ReadOrCreateAsync(electionId, cancellationToken).ConfigureAwait(false);
        if (current.Value.LeaseHolder is not null && current.Value.LeaseUntil > now) return new(CompileOutcome.Busy, null);
        var leased = current.Value with { LeaseHolder = holder, LeaseUntil = now + Lease };
        var etag = await states.TryReplaceAsync(leased, current.ETag, cancellationToken).ConfigureAwait(false);
        if (etag is null) return new(CompileOutcome.Busy, null);

        var released = false;
        try
        {
            var due = election.Date.AddDays(elections.Value.PackageDueDays);
            var (version, kind, from) = leased.SealedThrough is null
                ? DateOnly.FromDateTime(now.UtcDateTime) >= due ? ("final", "final", (DateTimeOffset?)null) : ($"draft-{leased.Drafts + 1:000}", "draft", null)
                : ($"addendum-{leased.Addenda + 1:000}", "addendum", leased.CoveredThrough);

            var container = blobs.GetBlobContainerClient(BlobContainers.Packages);
            var prefix = $"{electionId}/{version}/";
            PackageResult package;
            if (kind == "addendum")
            {
                // Usually small, and often empty: built in memory, written only when there is something new.
                var memory = new MemoryPackageSink();
                package = await WriteAsync(election, version, kind, from, now, memory, cancellationToken).ConfigureAwait(false);
                if (package.Reports == 0)
                {
                    await ReleaseAsync(leased, etag, s => s, cancellationToken).ConfigureAwait(false);
                    released = true;
                    return new(CompileOutcome.NothingNew, null);
                }
                var sink = new BlobPackageSink(container, prefix);
                foreach (var (name, contentType, content) in memory.Files)
                {
                    await using var stream = await sink.OpenAsync(name, contentType, cancellationToken).ConfigureAwait(false);
                    await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                package = await WriteAsync(election, version, kind, from, now, new BlobPackageSink(container, prefix), cancellationToken).ConfigureAwait(false);
            }

            var entry = new PackageVersion(version, kind, from, now, package.Reports);
            await ReleaseAsync(leased, etag, s => s with
            {
                Drafts = kind == "draft" ? s.Drafts + 1 : s.Drafts,
                Addenda = kind == "addendum" ? s.Addenda + 1 : s.Addenda,
                SealedThrough = kind == "final" ? now : s.SealedThrough,
                CoveredThrough = kind == "draft" ? s.CoveredThrough : now,
                Versions = [.. s.Versions, entry],
            }, cancellationToken).ConfigureAwait(false);
            released = true;
            LogCompiled(logger, electionId, version, package.Reports);
            return new(CompileOutcome.Compiled, package);
        }
        finally
        {
            if (!released) await ReleaseAsync(leased, etag, s => s, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Rebuilds a written version in memory from the reports now stored; the files and hashes it would write.</summary>
    public async Task<IReadOnlyList<PackageFile>?> RebuildAsync(string electionId, string version, CancellationToken cancellationToken)
    {
        if (elections.Value.Find(electionId) is not { } election) return null;
        var state = await states.ReadOrCreateAsync(electionId, cancellationToken).ConfigureAwait(false);
        if (state.Value.Versions.FirstOrDefault(v => v.Version == version) is not { } entry) return null;
        var package = await WriteAsync(election, entry.Version, entry.Kind, entry.From, entry.Through, new MemoryPackageSink(), cancellationToken).ConfigureAwait(false);
        return package.Files;
    }

    private async Task ReleaseAsync(PackageState leased, string etag, Func<PackageState, PackageState> change, CancellationToken cancellationToken)
    {
        var next = change(leased) with { LeaseHolder = null, LeaseUntil = null };
        if (await states.TryReplaceAsync(next, etag, cancellationToken).ConfigureAwait(false) is null)
            LogLeaseLost(logger, leased.ElectionId); // the lease ran out and another compile took it: its own state write stands
    }

    private async Task<PackageResult> WriteAsync(Election election, string version, string kind, DateTimeOffset? from, DateTimeOffset through,
        IPackageSink sink, CancellationToken cancellationToken)
    {
        var files = new List<PackageFile>();
        async Task<HashingStream> Open(string name, string contentType) =>
            new(await sink.OpenAsync(name, contentType, cancellationToken).ConfigureAwait(false));
        var utf8 = new UTF8Encoding(false);

        var streams = new List<(string Name, HashingStream Stream)>();
        foreach (var name in PackageTables.Names) streams.Add((name, await Open(name, "text/csv").ConfigureAwait(false)));
        var writers = streams.Select(s => new StreamWriter(s.Stream, utf8, 64 * 1024)).ToList();
        PackageAggregator aggregator;
        using (var tables = new PackageTables(writers[0], writers[1], writers[2], writers[3]))
        {
            aggregator = new PackageAggregator(tables);
            await foreach (var report in reports.QueryElectionAsync(election.Id, cancellationToken).ConfigureAwait(false))
            {
                if ((from is not null && report.ReceivedAt <= from) || report.ReceivedAt > through) continue;
                aggregator.Add(report);
            }
        }
        foreach (var (name, stream) in streams)
        {
            files.Add(new PackageFile(name, stream.Sha256(), stream.Written));
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        var package = aggregator.Build(election, elections.Value.PackageDueDays, version, kind, from, through);
        files.Add(await WriteFileAsync("package.json", "application/json",
            JsonSerializer.SerializeToUtf8Bytes(package, ElectionJsonContext.Default.ElectionPackage)).ConfigureAwait(false));
        files.Add(await WriteFileAsync("report.html", "text/html; charset=utf-8", utf8.GetBytes(PackageHtml.Render(package))).ConfigureAwait(false));
        files.Add(await WriteFileAsync("package.stix.json", "application/stix+json;version=2.1",
            utf8.GetBytes(PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString())).ConfigureAwait(false));
        var manifest = new PackageManifest(election.Id, version, kind, [.. files]);
        await WriteFileAsync("manifest.json", "application/json", JsonSerializer.SerializeToUtf8Bytes(manifest, ElectionJsonContext.Default.PackageManifest)).ConfigureAwait(false);
        return new PackageResult(election.Id, version, kind, aggregator.Reports, $"{BlobContainers.Packages}/{election.Id}/{version}/", files);

        async Task<PackageFile> WriteFileAsync(string name, string contentType, byte[] content)
        {
            await using var stream = await Open(name, contentType).ConfigureAwait(false);
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            return new PackageFile(name, stream.Sha256(), stream.Written);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Package {Version} of election {ElectionId} compiled over {Reports} reports")]
    private static partial void LogCompiled(ILogger logger, string electionId, string version, int reports);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Package lease of election {ElectionId} was lost before release")]
    private static partial void LogLeaseLost(ILogger logger, string electionId);
}
