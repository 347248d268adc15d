// Over 200 lines: three fault scenarios share one load, one convergence wait and one delivery check.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using ElectionFunctions.Intake;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// The promise to partners under faults: every report answered 202 ends routed or failed with a reason,
/// and each agency receives one message per (report, agency). A paced load of 500 reports runs while
/// Cosmos DB goes away and comes back, Azurite is stopped and started, or the host is killed and
/// restarted; a partner retries 503s and lost connections with the same Idempotency-Key, as API.md asks.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class FaultTests(FaultStack stack)
{
    private const int Reports = 500;
    private const int PerSecond = 50;
    private const int FaultAfter = 150;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly string[] Agencies = ["dhs", "doj", "odni", "treasury"];

    private static readonly LocalHost.QueueHostOptions HostJson = LocalHost.QueueHostOptions.FromHostJson(Path.Combine(AppContext.BaseDirectory, "host.json"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public Task Cosmos_DB_outage_mid_load() => RunAsync("cosmos", async () =>
    {
        await stack.Emulators.SuspendCosmosAsync(Cancel);
        await Task.Delay(Outage, Cancel);
        await stack.Emulators.ResumeCosmosAsync(Cancel);
    });

    [Fact]
    public Task Azurite_stopped_and_started_mid_load() => RunAsync("azurite", async () =>
    {
        await stack.Emulators.StopStorageAsync(Cancel);
        await Task.Delay(Outage, Cancel);
        await stack.Emulators.StartStorageAsync(Cancel);
    });

    [Fact]
    public Task Host_killed_and_restarted_mid_load() => RunAsync("host", async () =>
    {
        await stack.KillHostAsync();
        await stack.StartHostAsync(Cancel);
    });

    private async Task RunAsync(string scenario, Func<Task> fault)
    {
        var run = $"{scenario}-{Guid.NewGuid():N}"[..20];
        var load = new Load(stack, run);
        var loading = load.RunAsync();
        while (load.Accepted.Count < FaultAfter && !loading.IsCompleted) await Task.Delay(50, Cancel);
        Assert.False(loading.IsCompleted, "The load ended before the fault: it must come in the middle.");
        await fault();
        await loading;

        TestContext.Current.TestOutputHelper?.WriteLine($"{scenario}: {load.Accepted.Count} accepted, {load.Unavailable} answers 503, {load.Limited} answers 429, {load.ConnectionFailures} connection failures");
        Assert.True(load.Unexpected.IsEmpty, $"{load.Unexpected.Count} unexpected answers, e.g. {string.Join("\n", load.Unexpected.Take(3))}\n{stack.HostOutput()}");
        Assert.Equal(Reports, load.Accepted.Count);

        var documents = await ConvergeAsync(scenario, [.. load.Accepted.Values]);
        var failed = documents.Where(d => d.Status == ReportStatus.Failed).ToList();
        Assert.All(failed, d => Assert.False(string.IsNullOrWhiteSpace(d.FailureReason)));
        var expected = documents.Where(d => d.Status == ReportStatus.Routed)
            .SelectMany(d => d.Routing.Select(r => $"{d.Id}:{r.Agency}")).ToHashSet();
        // Every report here goes to all four agencies (TLP:AMBER, a foreign government named, results site).
        Assert.Equal(documents.Count(d => d.Status == ReportStatus.Routed) * Agencies.Length, expected.Count);

        var delivered = await DrainAgencyQueuesAsync(documents.Select(d => d.Id).ToHashSet());
        var copies = delivered.Sum(m => m.Value.Count - 1);
        TestContext.Current.TestOutputHelper?.WriteLine($"{scenario}: {documents.Count - failed.Count} routed, {failed.Count} failed, {delivered.Count} (report, agency) pairs delivered, {copies} repeated sends");
        // Nothing lost and nothing unexpected: exactly the (report, agency) pairs the documents record as sent.
        Assert.Equal(expected.Order(StringComparer.Ordinal), delivered.Keys.Order(StringComparer.Ordinal));
        // A repeat can come only from a send whose record did not land (the process died, or the store holding
        // the record went away, between the two): so at most the sends in flight when the fault came, each the
        // same message with the same MessageId, which Service Bus's duplicate detection (one day,
        // infra/modules/servicebus.bicep) drops. The local storage queues keep it: counted and bounded here.
        Assert.All(delivered.Values, bodies => Assert.All(bodies, b => Assert.Equal(bodies[0], b)));
        var inFlight = Agencies.Length * (HostJson.BatchSize + HostJson.NewBatchThreshold);
        Assert.True(copies <= inFlight, $"{copies} repeated sends; at most {inFlight} sends can be in flight");
    }

    /// <summary>
    /// How long the fault tests wait with no report reaching routed or failed before they call the pipeline stuck: longer
    /// than every lease and threshold of the stack (message lease 10 s, claims 5 s, reconciliation after 20 s, every 5 s).
    /// </summary>
    private static readonly TimeSpan NoProgress = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Waits while reports keep reaching routed or failed, however slowly (CI machines are shared and can be several
    /// times slower): fails only when none has for <see cref="NoProgress"/>, naming some that have not, and reports the
    /// throughput seen.
    /// </summary>
    private async Task<List<ReportDocument>> ConvergeAsync(string scenario, IReadOnlyCollection<string> ids)
    {
        var store = stack.Service<ReportStore>();
        var done = new ConcurrentDictionary<string, ReportDocument>();
        var started = DateTime.UtcNow;
        var lastProgress = started;
        while (true)
        {
            var before = done.Count;
            var open = ids.Where(id => !done.ContainsKey(id)).ToList();
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, async (id, ct) =>
            {
                var document = (await store.ReadAsync(id, ct))?.Value;
                if (document?.Status is ReportStatus.Routed or ReportStatus.Failed) done[id] = document;
            });
            if (done.Count > before) lastProgress = DateTime.UtcNow;
            var elapsed = DateTime.UtcNow - started;
            if (done.Count == ids.Count)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{scenario}: {ids.Count} reports settled in {elapsed.TotalSeconds:0} s after the load ({ids.Count / Math.Max(elapsed.TotalSeconds, 1):0.0}/s)");
                return [.. done.Values];
            }
            if (DateTime.UtcNow - lastProgress > NoProgress)
            {
                var stuck = ids.Where(id => !done.ContainsKey(id)).Take(5).ToList();
                var statuses = new List<string>();
                foreach (var id in stuck) statuses.Add($"{id}: {(await store.ReadAsync(id, Cancel))?.Value.Status ?? "missing"}");
                Assert.Fail($"{ids.Count - done.Count} reports neither routed nor failed, and none settled for {NoProgress.TotalSeconds:0} s " +
                    $"({done.Count} settled in {elapsed.TotalSeconds:0} s, {done.Count / Math.Max(elapsed.TotalSeconds, 1):0.0}/s), e.g. {string.Join(", ", statuses)}\n{stack.HostOutput()}");
            }
            await Task.Delay(1000, Cancel);
        }
    }

    /// <summary>Every message on the agency queues for these reports, by MessageId ({reportId}:{agency}).</summary>
    private async Task<Dictionary<string, List<string>>> DrainAgencyQueuesAsync(HashSet<string> reportIds)
    {
        var queues = stack.Service<QueueServiceClient>();
        var delivered = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var agency in Agencies)
        {
            var queue = queues.GetQueueClient(agency);
            while (true)
            {
                // Received and kept invisible: the drain sees each message once.
                var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10), Cancel)).Value;
                if (messages.Length == 0) break;
                foreach (var message in messages)
                {
                    var body = message.Body.ToString();
                    using var json = JsonDocument.Parse(body);
                    if (!reportIds.Contains(json.RootElement.GetProperty("reportId").GetString()!)) continue;
                    var messageId = json.RootElement.GetProperty("messageId").GetString()!;
                    Assert.Equal(agency, messageId.Split(':')[1]);
                    if (!delivered.TryGetValue(messageId, out var bodies)) delivered[messageId] = bodies = [];
                    bodies.Add(body);
                }
            }
        }
        return delivered;
    }

    /// <summary>A partner sending 500 reports at a steady pace, retrying 503s and lost connections with the same Idempotency-Key.</summary>
    private sealed class Load(FaultStack stack, string run)
    {
        public ConcurrentDictionary<int, string> Accepted { get; } = new();
        public ConcurrentBag<string> Unexpected { get; } = [];
        private int _unavailable, _connectionFailures, _limited;
        public int Limited => _limited;
        public int Unavailable => _unavailable;
        public int ConnectionFailures => _connectionFailures;

        public async Task RunAsync()
        {
            var token = stack.Token();
            var start = DateTime.UtcNow;
            var sends = new List<Task>();
            for (var i = 0; i < Reports; i++)
            {
                var due = start + TimeSpan.FromSeconds((double)i / PerSecond);
                if (due > DateTime.UtcNow) await Task.Delay(due - DateTime.UtcNow, Cancel);
                sends.Add(SendAsync(i, token));
            }
            await Task.WhenAll(sends);
        }

        private async Task SendAsync(int i, string token)
        {
            var key = $"{run}-{i}";
            var body = Encoding.UTF8.GetBytes(Bodies.Incident(key));
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await stack.Http.SendAsync(request, Cancel);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
                        var id = json.RootElement.GetProperty("reportId").GetString()!;
                        Assert.Equal(ReportIds.ForKey(FaultStack.Partner, key), id);
                        Accepted[i] = id;
                        return;
                    }
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
                    {
                        Interlocked.Increment(ref _unavailable);
                    }
                    else if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } wait)
                    {
                        // Retries piling up during an outage can meet the partner's request limit: a partner waits as told.
                        Interlocked.Increment(ref _limited);
                        await Task.Delay(wait, Cancel);
                        continue;
                    }
                    else
                    {
                        Unexpected.Add($"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // The host is down (killed, restarting): the request may or may not have been taken.
                    Interlocked.Increment(ref _connectionFailures);
                }
                catch (TaskCanceledException) when (!Cancel.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _connectionFailures);
                }
                await Task.Delay(500, Cancel);
            }
            Unexpected.Add($"{key}: not accepted within 120 s");
        }
    }
}
