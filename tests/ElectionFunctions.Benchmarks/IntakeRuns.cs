using System.Diagnostics;
using System.Text;
using ElectionFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using static ElectionFunctions.Benchmarks.Markdown;

namespace ElectionFunctions.Benchmarks;

/// <summary>Section 2: intake end to end through the local host, against the same three writes done directly with the SDKs.</summary>
public static class IntakeRuns
{
    public static async Task WriteAsync(StringBuilder md, BenchHost host)
    {
        var store = host.Services.GetRequiredService<ReportStore>();
        var submissions = host.Services.GetRequiredService<SubmissionStore>();
        var queues = host.Services.GetRequiredService<WorkQueues>();
        var validator = host.Services.GetRequiredService<Intake.SubmissionValidator>();

        md.AppendLine("## 2. Intake end to end (local host on the emulators)").AppendLine();
        md.AppendLine("5,000 POSTs of a typical report through the local host (HTTP only, no pollers running), against a baseline of the same blob upload, Cosmos create and queue send done directly with the SDKs, at the same concurrency, on loopback; in five alternating rounds of 1,000 each.").AppendLine();
        md.AppendLine("| concurrency | path | requests/s | p50 | p95 | p99 | ratio to baseline |").AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var concurrency in new[] { 16, 64 })
        {
            await Load(300, concurrency, (i, ct) => host.PostAsync(BenchHost.Body($"warm{concurrency}", i), ct));
            async Task Direct(int i, CancellationToken ct)
            {
                var body = BenchHost.Body($"direct{concurrency}", i);
                var report = validator.ValidateInOnePass(body).Report!;
                var id = Guid.NewGuid().ToString("N");
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
                await submissions.TryStoreAsync($"bench/{id}.json", body, sha, "application/json", BenchHost.Partner, ct);
                await store.TryCreateAsync(new ReportDocument
                {
                    Id = id, PartnerId = BenchHost.Partner, Status = ReportStatus.Received, ReceivedAt = DateTimeOffset.UtcNow, Sha256 = sha, BlobPath = "submissions/bench",
                    ContentType = "application/json", ElectionId = report.ElectionId, Tlp = report.Tlp, Report = report,
                }, ct);
                await queues.EnqueueAsync(QueueNames.Intake, id, ct);
            }
            // Five alternating rounds of 1,000: Azurite slows as its queue grows (nothing drains it here), so a path
            // run after the other met a longer queue; alternating gives both the same.
            List<(double Seconds, double[] Latencies)> directRuns = [], hostRuns = [];
            for (var round = 0; round < 5; round++)
            {
                directRuns.Add(await Load(1000, concurrency, (i, ct) => Direct(round * 1000 + i, ct)));
                hostRuns.Add(await Load(1000, concurrency, (i, ct) => host.PostAsync(BenchHost.Body($"host{concurrency}", round * 1000 + i), ct)));
            }
            var (direct, hosted) = (Summary(directRuns), Summary(hostRuns));
            md.AppendLine($"| {concurrency} | direct SDK writes (baseline) | {direct.Rate:N0} | {Ms(direct.P50)} | {Ms(direct.P95)} | {Ms(direct.P99)} | 1.00 |");
            md.AppendLine($"| {concurrency} | POST /api/reports | {hosted.Rate:N0} | {Ms(hosted.P50)} | {Ms(hosted.P95)} | {Ms(hosted.P99)} | **{hosted.Rate / direct.Rate:0.00}** |");
        }
        md.AppendLine().AppendLine("Target: the host's throughput ≥ 0.85× the baseline's.").AppendLine();
    }

    /// <summary>Bounded in count and time, loopback only.</summary>
    private static async Task<(double Seconds, double[] Latencies)> Load(int count, int concurrency, Func<int, CancellationToken, Task> call)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var latencies = new double[count];
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = limit.Token }, async (i, ct) =>
        {
            var one = Stopwatch.GetTimestamp();
            await call(i, ct);
            latencies[i] = Stopwatch.GetElapsedTime(one).TotalMilliseconds;
        });
        return (total.Elapsed.TotalSeconds, latencies);
    }

    /// <summary>Throughput over all the rounds together, and the percentiles of all their latencies.</summary>
    private static (double Rate, double P50, double P95, double P99) Summary(List<(double Seconds, double[] Latencies)> runs)
    {
        var latencies = runs.SelectMany(r => r.Latencies).Order().ToArray();
        double P(double p) => latencies[(int)Math.Ceiling(p * latencies.Length) - 1];
        return (latencies.Length / runs.Sum(r => r.Seconds), P(0.50), P(0.95), P(0.99));
    }
}
