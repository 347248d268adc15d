using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Taxii;

/// <summary>
/// Objects added to a collection together (one routed report, or part of one, or one shared definition), with the instant
/// they were added. <see cref="Seq"/> orders a collection: the instant to the microsecond, fixed width, then the id.
/// </summary>
public sealed record TaxiiEntry
{
    /// <summary>
    /// Partitions per collection. One partition per collection would cap an agency's collection at one logical partition's
    /// 20 GB and ~10,000 RU/s, and routing waits on these writes; spread over 16 by the entry's id, a page is a query across
    /// the collection's partitions, which the SDK merges in <see cref="Seq"/> order.
    /// </summary>
    public const int Shards = 16;

    [JsonPropertyName("id")]
    public required string Id { get; init; }
    public required string Collection { get; init; }
    public required string Pk { get; init; }
    public required string Seq { get; init; }
    public required DateTimeOffset DateAdded { get; init; }
    public required IReadOnlyList<string> ObjectIds { get; init; }
    public required IReadOnlyList<string> Types { get; init; }
    public required IReadOnlyList<JsonElement> Objects { get; init; }

    /// <summary>An entry stamped now (to the microsecond, as date_added is shown) holding <paramref name="objects"/>.</summary>
    public static TaxiiEntry Create(string collection, string id, DateTimeOffset now, IReadOnlyList<JsonObject> objects)
    {
        var added = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        return new TaxiiEntry
        {
            Id = id,
            Collection = collection,
            Pk = $"{collection}|{Shard(id)}",
            Seq = SeqOf(added) + "|" + id,
            DateAdded = added,
            ObjectIds = [.. objects.Select(o => o["id"]!.GetValue<string>())],
            Types = [.. objects.Select(o => o["type"]!.GetValue<string>()).Distinct(StringComparer.Ordinal)],
            Objects = [.. objects.Select(o => JsonSerializer.SerializeToElement(o))],
        };
    }

    private static int Shard(string id) => (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0) % Shards);

    /// <summary>The sortable form of an instant: its ticks, zero-padded.</summary>
    public static string SeqOf(DateTimeOffset instant) => instant.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>A STIX/TAXII timestamp to the microsecond.</summary>
    public static string Timestamp(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// The TAXII collections' objects and the push statuses in Cosmos DB (container <c>taxii</c>, partition <c>/pk</c>: a
/// collection's shard, or a partner's statuses): entries are created once under a deterministic id (a redelivered routing
/// message adds nothing), and a page is one query over the collection's shards, in <see cref="TaxiiEntry.Seq"/> order.
/// </summary>
public sealed class TaxiiStore(CosmosClient client, IOptions<CosmosOptions> cosmos)
{
    private readonly Container _container = client.GetContainer(cosmos.Value.Database, cosmos.Value.TaxiiContainer);

    /// <summary>Adds the entry unless one with its id is there; true when added now.</summary>
    public async Task<bool> AddAsync(TaxiiEntry entry, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(entry, ElectionJsonContext.Default.TaxiiEntry));
        using var response = await _container.CreateItemStreamAsync(content, new PartitionKey(entry.Pk), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict) return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>The entry again under its id, stamped anew (TaxiiFeed: a write that took longer than the settle delay allows).</summary>
    public async Task ReplaceAsync(TaxiiEntry entry, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(entry, ElectionJsonContext.Default.TaxiiEntry));
        using var response = await _container.ReplaceItemStreamAsync(content, entry.Id, new PartitionKey(entry.Pk), cancellationToken: cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The collection's entries after <paramref name="fromSeq"/> (or from it, <paramref name="inclusive"/>) and before
    /// <paramref name="untilSeq"/>, in order, holding one of <paramref name="ids"/> and one of <paramref name="types"/> when given.
    /// </summary>
    public async IAsyncEnumerable<TaxiiEntry> QueryAsync(string collection, string fromSeq, bool inclusive, string untilSeq,
        IReadOnlyList<string> ids, IReadOnlyList<string> types, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT * FROM c WHERE c.collection = @collection AND c.seq {(inclusive ? ">=" : ">")} @from AND c.seq < @until");
        void AnyOf(string field, IReadOnlyList<string> values, string name)
        {
            if (values.Count == 0) return;
            sql.Append(" AND (").AppendJoin(" OR ", values.Select((_, i) => $"ARRAY_CONTAINS(c.{field}, @{name}{i})")).Append(')');
        }
        AnyOf("objectIds", ids, "id");
        AnyOf("types", types, "type");
        var query = new QueryDefinition(sql.Append(" ORDER BY c.seq").ToString())
            .WithParameter("@collection", collection).WithParameter("@from", fromSeq).WithParameter("@until", untilSeq);
        for (var i = 0; i < ids.Count; i++) query = query.WithParameter($"@id{i}", ids[i]);
        for (var i = 0; i < types.Count; i++) query = query.WithParameter($"@type{i}", types[i]);
        using var iterator = _container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = 100 });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var page = await JsonSerializer.DeserializeAsync(response.Content, ElectionJsonContext.Default.QueryPageTaxiiEntry, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page?.Documents ?? []) yield return entry;
        }
    }

    /// <summary>How long a push's status is kept (the container's TTL is on, with no default: entries stay).</summary>
    public static readonly TimeSpan StatusLifetime = TimeSpan.FromDays(7);

    /// <summary>A push's status resource, kept in the partner's own partition: only that partner reads it.</summary>
    public async Task SaveStatusAsync(string partnerId, JsonObject status, CancellationToken cancellationToken)
    {
        var item = new JsonObject
        {
            ["id"] = status["id"]!.GetValue<string>(), ["pk"] = StatusPartition(partnerId), ["status"] = status.DeepClone(),
            ["ttl"] = (int)StatusLifetime.TotalSeconds,
        };
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(item.ToJsonString()));
        using var response = await _container.UpsertItemStreamAsync(content, new PartitionKey(StatusPartition(partnerId)), cancellationToken: cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonObject?> ReadStatusAsync(string partnerId, string statusId, CancellationToken cancellationToken)
    {
        using var response = await _container.ReadItemStreamAsync(statusId, new PartitionKey(StatusPartition(partnerId)), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return (await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false))?["status"]?.AsObject();
    }

    private static string StatusPartition(string partnerId) => "status:" + partnerId;
}
