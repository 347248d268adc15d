using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Http;

public sealed record HealthCheck(string Name, string Status, long Milliseconds, string? Error);

public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

/// <summary>
/// GET /api/health: each dependency the intake needs answers a cheap read within two seconds. 200 when
/// all do, 503 naming the one that did not. Anonymous (for probes); it reveals no data, only reachability.
/// </summary>
public sealed class HealthHandler(BlobServiceClient blobs, QueueServiceClient queues, CosmosClient cosmos, IOptions<CosmosOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>200 when every dependency answered, 503 naming the one that did not; never cached.</summary>
    public async Task<WithHeader<JsonHttpResult<HealthReport>>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(
            Check("blob", ct => blobs.GetBlobContainerClient(BlobContainers.Submissions).GetPropertiesAsync(cancellationToken: ct)),
            Check("queue", ct => queues.GetQueueClient(QueueNames.Intake).GetPropertiesAsync(ct)),
            Check("cosmos", async ct =>
            {
                using var response = await cosmos.GetContainer(options.Value.Database, options.Value.ReportsContainer).ReadContainerStreamAsync(cancellationToken: ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            })).ConfigureAwait(false);
        var healthy = checks.All(c => c.Status == "ok");
        return new(TypedResults.Json(new HealthReport(healthy ? "healthy" : "unhealthy", checks), ElectionJsonContext.Default.HealthReport,
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable), HeaderNames.CacheControl, "no-store");

        async Task<HealthCheck> Check(string name, Func<CancellationToken, Task> probe)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var watch = Stopwatch.StartNew();
            try
            {
                await probe(timeout.Token).ConfigureAwait(false);
                return new HealthCheck(name, "ok", watch.ElapsedMilliseconds, null);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The kind of failure only: messages can carry endpoints.
                return new HealthCheck(name, "failed", watch.ElapsedMilliseconds, e is OperationCanceledException ? "timeout" : e.GetType().Name);
            }
        }
    }
}
