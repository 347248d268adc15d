using System.Text;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.IntegrationTests;

/// <summary>The storage adapters against the emulators, including what the emulators do differently from Azure.</summary>
public sealed class StorageTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ReportDocument Document(string electionId, string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString("N"),
        PartnerId = "storage-test",
        Status = ReportStatus.Received,
        ReceivedAt = DateTimeOffset.UtcNow,
        Sha256 = new string('0', 64),
        BlobPath = "submissions/x.json",
        ContentType = "application/json",
        ElectionId = electionId,
        Tlp = "GREEN",
        Report = new StoredReport { SchemaVersion = "1.0", ElectionId = electionId, FederalContest = true, Title = "t", Narrative = "n", ObservedAt = DateTimeOffset.UnixEpoch, Tlp = "GREEN" },
    };

    [Fact]
    public async Task A_missing_item_reads_as_null_because_the_launcher_answers_404_not_500()
    {
        // ReadAsync treats only 404 as missing; the bare emulator's 500 would throw here.
        Assert.Null(await stack.Service<ReportStore>().ReadAsync(Guid.NewGuid().ToString("N"), Cancel));
    }

    [Fact]
    public async Task Create_is_the_duplicate_check()
    {
        var store = stack.Service<ReportStore>();
        var document = Document("storage-create");
        Assert.True(await store.TryCreateAsync(document, Cancel));
        Assert.False(await store.TryCreateAsync(document with { Status = ReportStatus.Routed }, Cancel));
        Assert.Equal(ReportStatus.Received, (await store.ReadAsync(document.Id, Cancel))!.Value.Status);
    }

    [Fact]
    public async Task A_stale_ETag_loses_and_UpdateAsync_reapplies_on_the_fresh_copy()
    {
        var store = stack.Service<ReportStore>();
        var document = Document("storage-etag");
        await store.TryCreateAsync(document, Cancel);
        var first = (await store.ReadAsync(document.Id, Cancel))!;

        var winner = await store.TryReplaceAsync(first.Value with { LastError = "winner" }, first.ETag, Cancel);
        Assert.NotNull(winner);
        Assert.Null(await store.TryReplaceAsync(first.Value with { LastError = "stale" }, first.ETag, Cancel));

        var updated = await store.UpdateAsync(document.Id, d => d with { LastError = d.LastError + "+next" }, Cancel);
        Assert.Equal("winner+next", updated!.Value.LastError);
        Assert.Equal("winner+next", (await store.ReadAsync(document.Id, Cancel))!.Value.LastError);
    }

    [Fact]
    public async Task An_elections_reports_stream_across_partitions_and_pages()
    {
        var electionId = "storage-stream-" + Guid.NewGuid().ToString("N");
        var store = stack.Service<ReportStore>();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var document = Document(electionId);
            ids.Add(document.Id);
            await store.TryCreateAsync(document, Cancel);
        }
        await store.TryCreateAsync(Document("another-election"), Cancel);

        var options = stack.Service<IOptions<CosmosOptions>>().Value;
        var paged = new ReportStore(stack.Service<CosmosClient>(), Options.Create(new CosmosOptions
        {
            Endpoint = options.Endpoint, Database = options.Database, ReportsContainer = options.ReportsContainer, QueryPageSize = 2,
        }));
        var streamed = new List<string>();
        await foreach (var report in paged.QueryElectionAsync(electionId, Cancel)) streamed.Add(report.Id);
        Assert.Equal(ids.Order(), streamed.Order());
    }

    [Fact]
    public async Task Submissions_are_write_once()
    {
        var submissions = stack.Service<SubmissionStore>();
        var path = $"test/{Guid.NewGuid():N}.json";
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        Assert.True(await submissions.TryStoreAsync(path, body, "hash-a", "application/json", "storage-test", Cancel));
        // A retry with the same bytes is fine; other bytes under the same name are refused.
        Assert.True(await submissions.TryStoreAsync(path, body, "hash-a", "application/json", "storage-test", Cancel));
        Assert.False(await submissions.TryStoreAsync(path, Encoding.UTF8.GetBytes("{\"a\":2}"), "hash-b", "application/json", "storage-test", Cancel));
    }
}
