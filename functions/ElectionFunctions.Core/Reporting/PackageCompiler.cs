using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Reporting;

/// <summary>
/// Compiles an election's package: streams its reports from Cosmos DB (aggregates computed while
/// streaming, no GROUP BY), then writes package.json and manifest.json under packages/{electionId}/{version}/.
/// </summary>
public sealed partial class PackageCompiler(
    ReportStore reports,
    BlobServiceClient blobs,
    IOptions<ElectionsOptions> elections,
    TimeProvider time,
    ILogger<PackageCompiler> logger)
{
    public async Task<PackageResult?> CompileAsync(string electionId, CancellationToken cancellationToken)
    {
        var election = elections.Value.Find(electionId);
        if (election is null) return null;

        var counts = new Counters();
        var ids = new List<string>();
        var redIds = new List<string>();
        await foreach (var report in reports.QueryElectionAsync(electionId, cancellationToken).ConfigureAwait(false))
        {
            counts.Add(report);
            // TLP:RED reports appear as counts and ids only.
            (report.Tlp == "RED" ? redIds : ids).Add(report.Id);
        }
        ids.Sort(StringComparer.Ordinal);
        redIds.Sort(StringComparer.Ordinal);

        var version = "draft-" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var package = new ElectionPackage("1.0", electionId, election.Date, election.Date.AddDays(elections.Value.PackageDueDays),
            version, "draft", counts.ToStatistics(), ids, redIds);

        var container = blobs.GetBlobContainerClient(BlobContainers.Packages);
        var prefix = $"{electionId}/{version}/";
        var files = new List<PackageFile>
        {
            await WriteAsync(container, prefix, "package.json", JsonSerializer.SerializeToUtf8Bytes(package, ElectionJsonContext.Default.ElectionPackage), cancellationToken).ConfigureAwait(false),
        };
        var manifest = new PackageManifest(electionId, version, files);
        await WriteAsync(container, prefix, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, ElectionJsonContext.Default.PackageManifest), cancellationToken).ConfigureAwait(false);

        LogCompiled(logger, electionId, version, counts.Reports);
        return new PackageResult(electionId, version, counts.Reports, $"{BlobContainers.Packages}/{prefix}", files);
    }

    private static async Task<PackageFile> WriteAsync(BlobContainerClient container, string prefix, string name, byte[] content, CancellationToken cancellationToken)
    {
        await container.GetBlobClient(prefix + name).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, cancellationToken).ConfigureAwait(false);
        return new PackageFile(name, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);
    }

    private sealed class Counters
    {
        private readonly SortedDictionary<string, int> _status = new(StringComparer.Ordinal), _category = new(StringComparer.Ordinal),
            _state = new(StringComparer.Ordinal), _agency = new(StringComparer.Ordinal), _tlp = new(StringComparer.Ordinal),
            _severity = new(StringComparer.Ordinal);

        public int Reports { get; private set; }

        public void Add(ReportDocument report)
        {
            Reports++;
            Count(_status, report.Status);
            Count(_tlp, report.Tlp);
            Count(_state, report.Report.Jurisdiction?.State ?? "unknown");
            Count(_severity, report.Classification?.Severity ?? "unclassified");
            foreach (var c in report.Classification?.Categories ?? ["unclassified"]) Count(_category, c);
            foreach (var r in report.Routing.Where(r => r.Status == RoutingStatus.Sent)) Count(_agency, r.Agency);
        }

        public PackageStatistics ToStatistics() => new(Reports, _status, _category, _state, _agency, _tlp, _severity);

        private static void Count(SortedDictionary<string, int> counts, string key) =>
            counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Package {Version} of election {ElectionId} compiled over {Reports} reports")]
    private static partial void LogCompiled(ILogger logger, string electionId, string version, int reports);
}
