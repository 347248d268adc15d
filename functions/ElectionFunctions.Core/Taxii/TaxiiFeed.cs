using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Taxii;

/// <summary>
/// Routing's writer to the agencies' collections: each message an agency is sent is added to its collection as STIX,
/// before the message goes out, so an agency that reads its queue finds the objects. An entry's id is the report's, so
/// a redelivered routing message adds nothing; the identity and markings its objects refer to are added once per collection.
/// </summary>
public sealed class TaxiiFeed(TaxiiStore store, IOptions<TaxiiOptions> options, TimeProvider time)
{
    /// <summary>Most bytes of objects in one entry: well under Cosmos DB's 2 MB item, whatever a report holds.</summary>
    public const int MaxEntryBytes = 1_000_000;

    private readonly ConcurrentDictionary<string, bool> _definitions = new(StringComparer.Ordinal);

    public async Task AddAsync(AgencyMessage message, CancellationToken cancellationToken)
    {
        var collection = TaxiiCollections.ForAgency(message.Agency);
        var objects = ReportStix.For(message);
        var identity = ReportStix.Identity();
        // Every definition an object names is in the collection before the object is.
        var definitions = ReportStix.MarkingsOf([identity, .. objects]).Select(id => PackageStix.StixFor(TlpOf(id)).Definition).Prepend(identity);
        foreach (var definition in definitions)
        {
            var key = $"{collection}|{definition["id"]}";
            if (_definitions.ContainsKey(key)) continue;
            await AddStampedAsync(collection, "definition:" + definition["id"], [definition], 0, cancellationToken).ConfigureAwait(false);
            _definitions[key] = true;
        }
        // A report larger than an item is added in parts, a microsecond apart, so each part has its own date_added.
        var parts = Parts(objects);
        for (var i = 0; i < parts.Count; i++)
            await AddStampedAsync(collection, $"report:{message.ReportId}:{i:D3}", parts[i], i, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the entry stamped now. A write that took more than half the settle delay (the SDK retried a throttled write)
    /// is stamped again, so a client polling with added_after cannot already have stepped past it; at worst it sees the
    /// objects twice (same id and version), never not at all.
    /// </summary>
    private async Task AddStampedAsync(string collection, string id, IReadOnlyList<JsonObject> objects, int offset, CancellationToken cancellationToken)
    {
        var entry = TaxiiEntry.Create(collection, id, time.GetUtcNow().AddTicks(offset * 10), objects);
        if (!await store.AddAsync(entry, cancellationToken).ConfigureAwait(false)) return;
        if (time.GetUtcNow() - entry.DateAdded > options.Value.SettleDelay / 2)
            await store.ReplaceAsync(TaxiiEntry.Create(collection, id, time.GetUtcNow().AddTicks(offset * 10), objects), cancellationToken).ConfigureAwait(false);
    }

    private static string TlpOf(string markingId) => Intake.TlpMarkings.Tlp2.TryGetValue(markingId, out var tlp) ? tlp
        : throw new InvalidOperationException($"{markingId} is not a TLP 2.0 marking the service writes.");

    /// <summary>The objects in order, cut where the next would take a part past <see cref="MaxEntryBytes"/> (the report object first).</summary>
    public static List<List<JsonObject>> Parts(IReadOnlyList<JsonObject> objects)
    {
        var parts = new List<List<JsonObject>> { new() };
        var bytes = 0;
        foreach (var o in objects)
        {
            var size = JsonSerializer.SerializeToUtf8Bytes(o).Length;
            if (parts[^1].Count > 0 && bytes + size > MaxEntryBytes)
            {
                parts.Add([]);
                bytes = 0;
            }
            parts[^1].Add(o);
            bytes += size;
        }
        return parts;
    }
}
