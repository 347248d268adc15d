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
/// election's package state (<see cref="PackageLease"/>, renewed while the compile runs) makes concurrent
/// compiles one compile. Files stream from one ordered cross-partition query into Blob Storage under
/// packages/{electionId}/{version}/, and manifest.json, written last and create-only, commits the version:
/// a compile that stops leaves a folder without a manifest, which is not a package and which the next compile
/// of that version replaces. Sealed versions rebuild byte for byte from unchanged data.
/// </summary>
public sealed partial class PackageCompiler(
    ReportStore reports,
    PackageStore states,
    BlobServiceClient blobs,
    IOptions<ElectionsOptions> elections,
    TimeProvider time,
    ILogger<PackageCompiler> logger)
{
    /// <param name="onlyIfChanged">The timer's compile: no new draft when no report of the election was written since the last one.</param>
    public async Task<CompileResult> CompileAsync(string electionId, CancellationToken cancellationToken, bool onlyIfChanged = false)
    {
        if (elections.Value.Find(electionId) is not { } election) return new(CompileOutcome.UnknownElection, null);

        var options = elections.Value;
        await using var lease = await PackageLease.TryTakeAsync(states, electionId, time, options.PackageLease, logger, cancellationToken).ConfigureAwait(false);
        if (lease is null) return new(CompileOutcome.Busy, null);
        using var compile = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);

        var state = lease.State;
        var now = time.GetUtcNow();
        var due = election.Date.AddDays(options.PackageDueDays);
        var (version, kind, from, through) = state.SealedThrough is null
            ? DateOnly.FromDateTime(now.UtcDateTime) >= due ? ("final", "final", (DateTimeOffset?)null, now - options.SealGrace) : ($"draft-{state.Drafts + 1:000}", "draft", null, now)
            : ($"addendum-{state.Addenda + 1:000}", "addendum", state.CoveredThrough, now - options.SealGrace);
        var sink = new BlobPackageSink(blobs.GetBlobContainerClient(BlobContainers.Packages), $"{electionId}/{version}/");

        // Committed by a compile that stopped before it recorded the version: record it, never write over it.
        if (await sink.ReadManifestAsync(compile.Token).ConfigureAwait(false) is { } committed)
        {
            await lease.ReleaseAsync(s => Recorded(s, committed.Version, committed.Kind, committed.From, committed.Through, committed.Reports), CancellationToken.None).ConfigureAwait(false);
            LogAdopted(logger, electionId, version);
            return new(CompileOutcome.Compiled, new PackageResult(electionId, version, kind, committed.Reports, $"{BlobContainers.Packages}/{electionId}/{version}/", committed.Files));
        }
        if (kind == "draft" && onlyIfChanged && state.Versions.LastOrDefault() is { } last
            && !await reports.AnyWrittenSinceAsync(electionId, last.Through, compile.Token).ConfigureAwait(false))
        {
            await lease.ReleaseAsync(s => s, cancellationToken).ConfigureAwait(false);
            return new(CompileOutcome.NothingNew, null);
        }

        PackageResult package;
        if (kind == "addendum")
        {
            // Usually small, and often empty: built in memory, written only when there is something new.
            var memory = new MemoryPackageSink();
            package = await WriteAsync(election, version, kind, from, through, memory, null, compile.Token).ConfigureAwait(false);
            if (package.Reports == 0)
            {
                await lease.ReleaseAsync(s => s, cancellationToken).ConfigureAwait(false);
                return new(CompileOutcome.NothingNew, null);
            }
            foreach (var (name, contentType, content) in memory.Files)
            {
                if (name == BlobPackageSink.ManifestName)
                {
                    await lease.ConfirmAsync(compile.Token).ConfigureAwait(false);
                    await sink.WriteOnceAsync(name, contentType, content, compile.Token).ConfigureAwait(false);
                    continue;
                }
                await using var stream = await sink.OpenAsync(name, contentType, compile.Token).ConfigureAwait(false);
                await stream.WriteAsync(content, compile.Token).ConfigureAwait(false);
            }
        }
        else
        {
            package = await WriteAsync(election, version, kind, from, through, sink, lease.ConfirmAsync, compile.Token).ConfigureAwait(false);
        }

        // Committed: recorded whatever the caller does now (a client that went away must not leave it unrecorded).
        await lease.ReleaseAsync(s => Recorded(s, version, kind, from, through, package.Reports), CancellationToken.None).ConfigureAwait(false);
        LogCompiled(logger, electionId, version, package.Reports);
        return new(CompileOutcome.Compiled, package);
    }

    private static PackageState Recorded(PackageState s, string version, string kind, DateTimeOffset? from, DateTimeOffset through, int reports) => s with
    {
        Drafts = kind == "draft" ? s.Drafts + 1 : s.Drafts,
        Addenda = kind == "addendum" ? s.Addenda + 1 : s.Addenda,
        SealedThrough = kind == "final" ? through : s.SealedThrough,
        CoveredThrough = kind == "draft" ? s.CoveredThrough : through,
        Versions = [.. s.Versions, new PackageVersion(version, kind, from, through, reports)],
    };

    /// <summary>Rebuilds a written version in memory from the reports now stored; the files and hashes it would write.</summary>
    public async Task<IReadOnlyList<PackageFile>?> RebuildAsync(string electionId, string version, CancellationToken cancellationToken)
    {
        if (elections.Value.Find(electionId) is not { } election) return null;
        var state = await states.ReadOrCreateAsync(electionId, cancellationToken).ConfigureAwait(false);
        if (state.Value.Versions.FirstOrDefault(v => v.Version == version) is not { } entry) return null;
        var package = await WriteAsync(election, entry.Version, entry.Kind, entry.From, entry.Through, new MemoryPackageSink(), null, cancellationToken).ConfigureAwait(false);
        return package.Files;
    }

    /// <param name="beforeCommit">Checks the compile still holds its lease, right before the manifest commits the version.</param>
    private async Task<PackageResult> WriteAsync(Election election, string version, string kind, DateTimeOffset? from, DateTimeOffset through,
        IPackageSink sink, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        var files = new List<PackageFile>();
        async Task<HashingStream> Open(string name, string contentType) =>
            new(await sink.OpenAsync(name, contentType, cancellationToken).ConfigureAwait(false));
        var utf8 = new UTF8Encoding(false);

        var streams = new List<(string Name, HashingStream Stream)>();
        foreach (var name in PackageTables.Names) streams.Add((name, await Open(name, "text/csv").ConfigureAwait(false)));
        var writers = streams.Select(s => new StreamWriter(s.Stream, utf8, 64 * 1024)).ToList();
        LogStreaming(logger, election.Id, version);
        PackageAggregator aggregator;
        using (var tables = new PackageTables(writers[0], writers[1], writers[2], writers[3]))
        {
            aggregator = new PackageAggregator(tables);
            await foreach (var report in reports.QueryElectionAsync(election.Id, from, through, cancellationToken).ConfigureAwait(false))
                aggregator.Add(report);
        }
        foreach (var (name, stream) in streams)
        {
            files.Add(new PackageFile(name, stream.Sha256(), stream.Written));
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        // Streamed to their blobs; each is bounded by the package's list lengths (PackageAggregator), not by the reports.
        var package = aggregator.Build(election, elections.Value.PackageDueDays, version, kind, from, through);
        files.Add(await WriteFileAsync("package.json", "application/json",
            s => JsonSerializer.SerializeAsync(s, package, ElectionJsonContext.Default.ElectionPackage, cancellationToken)).ConfigureAwait(false));
        files.Add(await WriteFileAsync("report.html", "text/html; charset=utf-8", async s =>
        {
            await using var writer = new StreamWriter(s, utf8, 64 * 1024, leaveOpen: true);
            await writer.WriteAsync(PackageHtml.Render(package).AsMemory(), cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false));
        files.Add(await WriteFileAsync("package.stix.json", "application/stix+json;version=2.1", async s =>
        {
            await using var writer = new Utf8JsonWriter(s);
            PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).WriteTo(writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false));
        var manifest = new PackageManifest(election.Id, version, kind, from, through, aggregator.Reports, aggregator.StrictestTlp, [.. files]);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, ElectionJsonContext.Default.PackageManifest);
        if (beforeCommit is not null) await beforeCommit(cancellationToken).ConfigureAwait(false);
        await sink.WriteOnceAsync(BlobPackageSink.ManifestName, "application/json", manifestBytes, cancellationToken).ConfigureAwait(false);
        return new PackageResult(election.Id, version, kind, aggregator.Reports, $"{BlobContainers.Packages}/{election.Id}/{version}/", files);

        async Task<PackageFile> WriteFileAsync(string name, string contentType, Func<Stream, Task> write)
        {
            await using var stream = await Open(name, contentType).ConfigureAwait(false);
            await write(stream).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new PackageFile(name, stream.Sha256(), stream.Written);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Package {Version} of election {ElectionId} compiled over {Reports} reports")]
    private static partial void LogCompiled(ILogger logger, string electionId, string version, int reports);

    [LoggerMessage(Level = LogLevel.Information, Message = "Package {Version} of election {ElectionId}: streaming the reports into its files")]
    private static partial void LogStreaming(ILogger logger, string electionId, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Package {Version} of election {ElectionId} was committed by a compile that stopped before recording it; recorded now")]
    private static partial void LogAdopted(ILogger logger, string electionId, string version);
}
