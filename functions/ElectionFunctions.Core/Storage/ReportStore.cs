using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace ElectionFunctions;

public sealed record Stored<T>(T Value, string ETag);

/// <summary>
/// Report documents in Cosmos DB through the stream API: our own source-generated JSON, and status
/// codes instead of exceptions for the expected outcomes (409 on create, 404, 412 on a stale ETag).
/// </summary>
public sealed class ReportStore(CosmosClient client, IOptions<CosmosOptions> options)
{
    private readonly Container _container = client.GetContainer(options.Value.Database, options.Value.ReportsContainer);

    /// <summary>Creates the document; false when one with that id exists (the idempotency check costs no extra write).</summary>
    public Task<bool> TryCreateAsync(ReportDocument document, CancellationToken cancellationToken) =>
        TryCreateAsync(document, ToBytes(document), cancellationToken);

    /// <summary>As <see cref="TryCreateAsync(ReportDocument, CancellationToken)"/>, with the document already serialised by <see cref="ToBytes"/>.</summary>
    public async Task<bool> TryCreateAsync(ReportDocument document, byte[] serialized, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(serialized, writable: false);
        using var response = await _container.CreateItemStreamAsync(content, new PartitionKey(document.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict) return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task<Stored<ReportDocument>?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _container.ReadItemStreamAsync(id, new PartitionKey(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var document = await JsonSerializer.DeserializeAsync(response.Content, ElectionJsonContext.Default.ReportDocument, cancellationToken).ConfigureAwait(false);
        return new Stored<ReportDocument>(document!, response.Headers.ETag);
    }

    /// <summary>Replaces the document if it is unchanged since <paramref name="etag"/>; false on a concurrent change (412).</summary>
    public async Task<string?> TryReplaceAsync(ReportDocument document, string etag, CancellationToken cancellationToken)
    {
        using var content = Serialize(document);
        using var response = await _container.ReplaceItemStreamAsync(content, document.Id, new PartitionKey(document.Id),
            new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed) return null;
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag;
    }

    /// <summary>
    /// Read, change, replace with the ETag; on a concurrent change read again and re-apply.
    /// <paramref name="change"/> returns null when nothing is to be written.
    /// </summary>
    public async Task<Stored<ReportDocument>?> UpdateAsync(string id, Func<ReportDocument, ReportDocument?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
            if (current is null) return null;
            var next = change(current.Value);
            if (next is null) return current;
            var etag = await TryReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
            if (etag is not null) return new Stored<ReportDocument>(next, etag);
        }
    }

    /// <summary>Streams one election's reports in id order, one page in memory at a time (one cross-partition query, continuation tokens).</summary>
    public IAsyncEnumerable<ReportDocument> QueryElectionAsync(string electionId, CancellationToken cancellationToken) =>
        QueryElectionAsync(electionId, null, null, cancellationToken);

    /// <summary>
    /// The election's reports received after <paramref name="receivedAfter"/> (when given) and up to
    /// <paramref name="receivedThrough"/> (when given), filtered by Cosmos DB: an addendum reads what is new, not the
    /// sealed election again.
    /// </summary>
    public async IAsyncEnumerable<ReportDocument> QueryElectionAsync(string electionId, DateTimeOffset? receivedAfter, DateTimeOffset? receivedThrough,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // receivedAt is stored as UTC ISO 8601 text (+00:00), which orders as the instants do; so does the parameter.
        var sql = new System.Text.StringBuilder("SELECT * FROM c WHERE c.electionId = @electionId");
        if (receivedAfter is not null) sql.Append(" AND c.receivedAt > @after");
        if (receivedThrough is not null) sql.Append(" AND c.receivedAt <= @through");
        // Ordered by id so that a package rebuilt from unchanged data has the same bytes.
        var query = new QueryDefinition(sql.Append(" ORDER BY c.id").ToString()).WithParameter("@electionId", electionId);
        if (receivedAfter is { } after) query = query.WithParameter("@after", Instant(after));
        if (receivedThrough is { } through) query = query.WithParameter("@through", Instant(through));
        using var iterator = _container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = options.Value.QueryPageSize });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var page = await JsonSerializer.DeserializeAsync(response.Content, ElectionJsonContext.Default.QueryPageReportDocument, cancellationToken).ConfigureAwait(false);
            foreach (var document in page?.Documents ?? [])
            {
                yield return document;
            }
        }
    }

    /// <summary>Whether any report of the election was written (created or changed, <c>_ts</c>) at or after <paramref name="since"/>: one small query.</summary>
    public async Task<bool> AnyWrittenSinceAsync(string electionId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT TOP 1 c.id FROM c WHERE c.electionId = @electionId AND c._ts >= @since")
            .WithParameter("@electionId", electionId)
            .WithParameter("@since", since.ToUnixTimeSeconds());
        using var iterator = _container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = 1 });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (page.RootElement.GetProperty("Documents").GetArrayLength() > 0) return true;
        }
        return false;
    }

    /// <summary>An instant as receivedAt is stored (System.Text.Json's round-trip text, UTC).</summary>
    // As documents are written (Stored: '+' not escaped as \u002B), so the text compares as the instants do.
    private static string Instant(DateTimeOffset value) => JsonSerializer.Serialize(value.ToUniversalTime(), Stored.DateTimeOffset).Trim('"');

    /// <summary>
    /// Reports in <c>received</c> or <c>classified</c> whose last write (<c>_ts</c>, set by Cosmos DB) is before
    /// <paramref name="before"/>: the ones a stage stopped on. At most <paramref name="max"/>.
    /// </summary>
    public async IAsyncEnumerable<StuckReport> QueryStuckAsync(DateTimeOffset before, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT c.id, c.status FROM c WHERE (c.status = @received OR c.status = @classified) AND c._ts < @before")
            .WithParameter("@received", ReportStatus.Received)
            .WithParameter("@classified", ReportStatus.Classified)
            .WithParameter("@before", before.ToUnixTimeSeconds());
        using var iterator = _container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = Math.Min(max, 1000) });
        var count = 0;
        while (iterator.HasMoreResults && count < max)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var page = await JsonSerializer.DeserializeAsync(response.Content, ElectionJsonContext.Default.QueryPageStuckReport, cancellationToken).ConfigureAwait(false);
            foreach (var stuck in page?.Documents ?? [])
            {
                if (count++ == max) yield break;
                yield return stuck;
            }
        }
    }

    /// <summary>Reports whose next overdue alert is due at <paramref name="now"/>, the earliest first: ids, at most <paramref name="max"/>.</summary>
    public async IAsyncEnumerable<string> QueryAlertsDueAsync(DateTimeOffset now, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT c.id, c.status, c.nextAlertAt FROM c WHERE c.nextAlertAt <= @now ORDER BY c.nextAlertAt")
            .WithParameter("@now", Instant(now));
        var count = 0;
        await foreach (var row in PagesAsync(query, Math.Min(max, 1000), ElectionJsonContext.Default.QueryPageStuckReport, cancellationToken).ConfigureAwait(false))
        {
            if (count++ == max) yield break;
            yield return row.Id;
        }
    }

    /// <summary>What the Election Day Watch shows of each report received since <paramref name="since"/> (no narrative), newest first, at most <paramref name="max"/>.</summary>
    public async IAsyncEnumerable<WatchRow> QueryReceivedSinceAsync(DateTimeOffset since, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
            "SELECT TOP @max c.id, c.receivedAt, c.status, c.tlp, c.report.title AS title, c.report.jurisdiction.state AS state, " +
            "c.classification.severity AS severity, c.classification.categories AS categories, c.routing, c.acknowledgements, c.amendmentOf " +
            "FROM c WHERE c.receivedAt >= @since ORDER BY c.receivedAt DESC")
            .WithParameter("@since", Instant(since)).WithParameter("@max", max);
        await foreach (var row in PagesAsync(query, 1000, ElectionJsonContext.Default.QueryPageWatchRow, cancellationToken).ConfigureAwait(false))
            yield return row;
    }

    private async IAsyncEnumerable<T> PagesAsync<T>(QueryDefinition query, int pageSize, System.Text.Json.Serialization.Metadata.JsonTypeInfo<QueryPage<T>> type,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var iterator = _container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var page = await JsonSerializer.DeserializeAsync(response.Content, type, cancellationToken).ConfigureAwait(false);
            foreach (var item in page?.Documents ?? []) yield return item;
        }
    }

    /// <summary>
    /// Stored documents are never embedded in HTML, so text is written as UTF-8 rather than \uXXXX escapes: the default
    /// encoder made a narrative of '&lt;' or Cyrillic up to six times its size, and Cosmos DB's item limit counts bytes.
    /// </summary>
    private static readonly ElectionJsonContext Stored = new(new JsonSerializerOptions(ElectionJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The document as stored (its size is what Cosmos DB's item limit counts).</summary>
    public static byte[] ToBytes(ReportDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, Stored.ReportDocument);

    private static MemoryStream Serialize(ReportDocument document) => new(ToBytes(document), writable: false);
}
