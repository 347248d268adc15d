using ElectionFunctions.Operations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using ElectionFunctions.Storage;
using ElectionFunctions.LocalHost;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ElectionFunctions.IntegrationTests;

/// <summary>The local host's queue semantics and the failed status a partner then sees.</summary>
public sealed class QueueTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_that_keeps_failing_is_tried_maxDequeueCount_times_then_moved_to_poison()
    {
        var queues = stack.Service<QueueServiceClient>();
        var name = "poller-" + Guid.NewGuid().ToString("N")[..12];
        var queue = queues.GetQueueClient(name);
        var poison = queues.GetQueueClient(name + "-poison");
        await queue.CreateAsync(cancellationToken: Cancel);
        await poison.CreateAsync(cancellationToken: Cancel);
        await queue.SendMessageAsync("{\"reportId\":\"x\"}", Cancel);

        var attempts = 0;
        var options = new QueueHostOptions { MaxDequeueCount = 5, VisibilityTimeout = TimeSpan.Zero, MaxPollingInterval = TimeSpan.FromMilliseconds(200) };
        using var poller = new QueuePoller(queues, name, (_, _) => { Interlocked.Increment(ref attempts); throw new InvalidOperationException("boom"); },
            options, NullLogger<QueuePoller>.Instance);
        await poller.StartAsync(Cancel);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await poison.PeekMessagesAsync(1, Cancel)).Value.Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Not poisoned after {attempts} attempts.");
                await Task.Delay(100, Cancel);
            }
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }

        Assert.Equal(5, attempts);
        Assert.Equal("{\"reportId\":\"x\"}", (await poison.PeekMessagesAsync(1, Cancel)).Value[0].Body.ToString());
        Assert.Empty((await queue.PeekMessagesAsync(1, Cancel)).Value);
    }

    [Fact]
    public async Task At_most_batchSize_plus_newBatchThreshold_messages_are_handled_at_once_as_by_the_Functions_host()
    {
        var queues = stack.Service<QueueServiceClient>();
        var name = "parallel-" + Guid.NewGuid().ToString("N")[..12];
        var queue = queues.GetQueueClient(name);
        await queue.CreateAsync(cancellationToken: Cancel);
        for (var i = 0; i < 30; i++) await queue.SendMessageAsync($"{{\"reportId\":\"{i}\"}}", Cancel);

        int running = 0, most = 0, done = 0;
        var options = new QueueHostOptions { BatchSize = 4, NewBatchThreshold = 2, MaxPollingInterval = TimeSpan.FromMilliseconds(200) };
        using var poller = new QueuePoller(queues, name, async (message, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            // Staggered, so that part of a batch is still running when the next one may come.
            await Task.Delay(150 * (1 + int.Parse(WorkQueues.Parse(message).ReportId) % 4), ct);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
        }, options, NullLogger<QueuePoller>.Instance);
        await poller.StartAsync(Cancel);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref done) < 30 && DateTime.UtcNow < deadline) await Task.Delay(50, Cancel);
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(30, done);
        // Parallel beyond one batch (the next batch came while the first ran), never beyond 4 + 2.
        Assert.InRange(most, 5, 6);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    [Fact]
    public async Task Each_failed_attempt_is_recorded_and_a_poisoned_report_says_failed_with_the_reason()
    {
        using var submitted = await stack.SubmitAsync(Bodies.Incident("failure " + Guid.NewGuid()));
        var reportId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        var store = stack.Service<ReportStore>();
        // Set it back to received: routing it now is an error (not classified), as a bug or bad data would be.
        await store.UpdateAsync(reportId, d => d with { Status = ReportStatus.Received }, Cancel);

        var message = $"{{\"reportId\":\"{reportId}\"}}";
        await Assert.ThrowsAsync<InvalidOperationException>(() => stack.Service<RoutingHandler>().HandleAsync(message, Cancel));
        Assert.Contains("routing: InvalidOperationException", (await store.ReadAsync(reportId, Cancel))!.Value.LastError);

        // What the poison-queue function (and the local host's poison poller) runs.
        await stack.Service<ProcessingFailures>().MarkFailedAsync(message, RoutingHandler.Stage, Cancel);
        var failed = await stack.GetReportAsync(reportId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        // A stable code and a sentence for the partner; the exception's text stays in the log.
        Assert.Equal(ProcessingFailures.Reason(RoutingHandler.Stage), failed.GetProperty("failureReason").GetString());
        Assert.StartsWith("routing-failed: ", failed.GetProperty("failureReason").GetString());
        Assert.DoesNotContain("not classified", failed.GetProperty("failureReason").GetString());

        // Once the cause is fixed, an operator re-drives it (and only an operator, and only a failed report).
        Assert.Equal(HttpStatusCode.Forbidden, (await RetryAsync(reportId, stack.Token())).StatusCode);
        var retried = await RetryAsync(reportId, stack.Token("operator", [Security.AppRoles.Admin]));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal("classified", (await retried.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString());
        var routed = await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        Assert.False(routed.TryGetProperty("failureReason", out _));
        var again = await RetryAsync(reportId, stack.Token("operator", [Security.AppRoles.Admin]));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("urn:electionfunctions:problem:not-failed", (await again.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("type").GetString());
    }

    private Task<HttpResponseMessage> RetryAsync(string reportId, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{reportId}/retry");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return stack.Http.SendAsync(request, Cancel);
    }

    [Fact]
    public async Task Redelivered_intake_and_route_messages_change_nothing_once_done()
    {
        using var submitted = await stack.SubmitAsync(Bodies.Incident("redelivery " + Guid.NewGuid()));
        var reportId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        var before = await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        var store = stack.Service<ReportStore>();
        var etag = (await store.ReadAsync(reportId, Cancel))!.ETag;

        var message = $"{{\"reportId\":\"{reportId}\"}}";
        await stack.Service<Classification.ClassifyHandler>().HandleAsync(message, Cancel);
        await stack.Service<RoutingHandler>().HandleAsync(message, Cancel);

        Assert.Equal(etag, (await store.ReadAsync(reportId, Cancel))!.ETag);
        Assert.Equal(before.GetRawText(), (await stack.GetReportAsync(reportId)).GetRawText());
    }
}

/// <summary>GET /api/health against the real emulators, and with one dependency unreachable.</summary>
public sealed class HealthTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthy_when_every_dependency_answers_and_503_naming_the_one_that_does_not()
    {
        using var ok = await stack.Http.GetAsync("/api/health", Cancel);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.All((await ok.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("checks").EnumerateArray(),
            c => Assert.Equal("ok", c.GetProperty("status").GetString()));

        // Blob Storage on a closed loopback port; Queue and Cosmos DB real.
        var deadBlob = new Azure.Storage.Blobs.BlobServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={LocalHost.Emulators.EmulatorProcesses.AzuriteKey};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;");
        var handler = new Http.HealthHandler(deadBlob, stack.Service<Azure.Storage.Queues.QueueServiceClient>(), stack.Service<Microsoft.Azure.Cosmos.CosmosClient>(),
            stack.Service<Microsoft.Extensions.Options.IOptions<Storage.CosmosOptions>>());
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = stack.Service<IServiceProvider>() };
        context.Response.Body = new MemoryStream();
        await (await handler.CheckAsync(Cancel)).ExecuteAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var checks = JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["blob"] = "failed", ["queue"] = "ok", ["cosmos"] = "ok" }, checks);
    }
}
