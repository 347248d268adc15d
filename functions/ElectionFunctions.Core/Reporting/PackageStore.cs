using System.Net;
using System.Text.Json;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Reporting;

/// <summary>
/// One document per election in the <c>packages</c> container (partition <c>/electionId</c>): which versions
/// exist, where the sealed package's data ends, and the compile lease. Every change goes with its ETag.
/// </summary>
public sealed record PackageState
{
    [System.Text.Json.Serialization.JsonPropertyName("id")]
    public required string Id { get; init; }
    public required string ElectionId { get; init; }
    public int Drafts { get; init; }
    /// <summary>The final (sealed) package's cutoff: it holds the reports received up to this instant.</summary>
    public DateTimeOffset? SealedThrough { get; init; }
    public int Addenda { get; init; }
    /// <summary>Where the last sealed file set (final or addendum) ends.</summary>
    public DateTimeOffset? CoveredThrough { get; init; }
    public IReadOnlyList<PackageVersion> Versions { get; init; } = [];
    public string? LeaseHolder { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
}

/// <summary>A written version and the data it covers: reports received after <c>From</c> (if any) through <c>Through</c>.</summary>
public sealed record PackageVersion(string Version, string Kind, DateTimeOffset? From, DateTimeOffset Through, int Reports);

public sealed class PackageStore(CosmosClient client, IOptions<CosmosOptions> options)
{
    private readonly Container _container = client.GetContainer(options.Value.Database, options.Value.PackagesContainer);

    public async Task<Stored<PackageState>> ReadOrCreateAsync(string electionId, CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var read = await _container.ReadItemStreamAsync(electionId, new PartitionKey(electionId), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (read.StatusCode != HttpStatusCode.NotFound)
                {
                    read.EnsureSuccessStatusCode();
                    var state = await JsonSerializer.DeserializeAsync(read.Content, ElectionJsonContext.Default.PackageState, cancellationToken).ConfigureAwait(false);
                    return new Stored<PackageState>(state!, read.Headers.ETag);
                }
            }
            using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new PackageState { Id = electionId, ElectionId = electionId }, ElectionJsonContext.Default.PackageState));
            using var created = await _container.CreateItemStreamAsync(content, new PartitionKey(electionId), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (created.StatusCode != HttpStatusCode.Conflict) created.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Replaces the state if unchanged since <paramref name="etag"/>; null when someone else changed it first.</summary>
    public async Task<string?> TryReplaceAsync(PackageState state, string etag, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(state, ElectionJsonContext.Default.PackageState));
        using var response = await _container.ReplaceItemStreamAsync(content, state.Id, new PartitionKey(state.ElectionId),
            new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed) return null;
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag;
    }
}
