using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Correlation;

/// <summary>One report under a key: who sent it, when, its TLP, and the agencies it was routed to (their need-to-know).</summary>
public sealed record CorrelationEntry(string ReportId, string PartnerId, DateTimeOffset ReceivedAt, string Tlp, IReadOnlyList<string> Agencies);

/// <summary>
/// One correlation key in Cosmos DB (container <c>correlations</c>, partition <c>/id</c>, the id a hash of the key):
/// the reports under it in the order they were recorded, at most <see cref="CorrelationOptions.MaxReportsPerKey"/>.
/// </summary>
public sealed record CorrelationDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }
    public required string Key { get; init; }
    public IReadOnlyList<CorrelationEntry> Reports { get; init; } = [];
    /// <summary>Reports recorded under the key: the listed ones, and the one that saturated it.</summary>
    public int Total { get; init; }
    /// <summary>More reports than the list holds: the key links nothing new.</summary>
    public bool Saturated { get; init; }
}

/// <summary>An earlier report an agency also received that shares keys with this one.</summary>
public sealed record RelatedReport(string ReportId, IReadOnlyList<string> Keys)
{
    /// <summary>The earlier report's TLP: not in the agency message (the agency holds that report), but a link to it is marked no weaker.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Tlp { get; init; }
}

/// <summary>
/// The correlation index: point reads and ETag writes per key, no query. Recording a report is idempotent (a report
/// already under a key keeps its place), so a redelivered routing message links the same reports again.
/// </summary>
public sealed partial class CorrelationIndex(CosmosClient client, IOptions<CosmosOptions> cosmos, IOptions<CorrelationOptions> options, ILogger<CorrelationIndex> logger)
{
    private readonly Container _container = client.GetContainer(cosmos.Value.Database, cosmos.Value.CorrelationsContainer);

    public static string IdFor(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    /// <summary>
    /// Records the report under each of its keys with the agencies it goes to, and answers, per agency, the reports
    /// recorded before it under a shared key that this agency also received: nothing an agency was not sent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<RelatedReport>>> RecordAsync(ReportDocument report, IReadOnlyList<string> agencies,
        CancellationToken cancellationToken)
    {
        var keys = report.Classification?.CorrelationKeys ?? [];
        var entry = new CorrelationEntry(report.Id, report.PartnerId, report.ReceivedAt, report.Tlp, [.. agencies.Order(StringComparer.Ordinal)]);
        var earlier = new Dictionary<string, (CorrelationEntry Entry, List<string> Keys)>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var document = await AddAsync(key, entry, cancellationToken).ConfigureAwait(false);
            foreach (var before in document.Reports.TakeWhile(e => e.ReportId != report.Id))
            {
                if (!earlier.TryGetValue(before.ReportId, out var shared)) earlier[before.ReportId] = shared = (before, []);
                shared.Keys.Add(key);
            }
        }
        return agencies.ToDictionary(a => a, IReadOnlyList<RelatedReport> (a) =>
            [.. earlier.Values.Where(e => e.Entry.Agencies.Contains(a)).OrderBy(e => e.Entry.ReportId, StringComparer.Ordinal)
                .Select(e => new RelatedReport(e.Entry.ReportId, e.Keys) { Tlp = e.Entry.Tlp })], StringComparer.Ordinal);
    }

    public async Task<CorrelationDocument?> ReadAsync(string key, CancellationToken cancellationToken) =>
        (await ReadStoredAsync(IdFor(key), cancellationToken).ConfigureAwait(false))?.Value;

    private async Task<CorrelationDocument> AddAsync(string key, CorrelationEntry entry, CancellationToken cancellationToken)
    {
        var id = IdFor(key);
        while (true)
        {
            var stored = await ReadStoredAsync(id, cancellationToken).ConfigureAwait(false);
            var current = stored?.Value ?? new CorrelationDocument { Id = id, Key = key };
            if (current.Reports.Any(e => e.ReportId == entry.ReportId)) return current;
            // A saturated key links nothing new and is no longer written: on election night a hot key must not be a hot document.
            if (current.Saturated) return current with { Reports = [] };
            var full = current.Reports.Count >= options.Value.MaxReportsPerKey;
            if (full) LogSaturated(logger, key, current.Reports.Count);
            var next = current with
            {
                Reports = full ? current.Reports : [.. current.Reports, entry],
                Total = current.Total + 1,
                Saturated = full,
            };
            using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(next, ElectionJsonContext.Default.CorrelationDocument));
            using var response = stored is null
                ? await _container.CreateItemStreamAsync(content, new PartitionKey(id), cancellationToken: cancellationToken).ConfigureAwait(false)
                : await _container.ReplaceItemStreamAsync(content, id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = stored.ETag }, cancellationToken).ConfigureAwait(false);
            // Another report under the same key got there first: read again and add to what it wrote.
            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed) continue;
            response.EnsureSuccessStatusCode();
            // A saturated key links nothing new: the report is counted, not listed, and sees nobody before it.
            return full ? current with { Reports = [] } : next;
        }
    }

    private async Task<Stored<CorrelationDocument>?> ReadStoredAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _container.ReadItemStreamAsync(id, new PartitionKey(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var document = await JsonSerializer.DeserializeAsync(response.Content, ElectionJsonContext.Default.CorrelationDocument, cancellationToken).ConfigureAwait(false);
        return new Stored<CorrelationDocument>(document!, response.Headers.ETag);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Correlation key {Key} is saturated at {Reports} reports; it links nothing new (add it to the warning list if it is noise)")]
    private static partial void LogSaturated(ILogger logger, string key, int reports);
}
