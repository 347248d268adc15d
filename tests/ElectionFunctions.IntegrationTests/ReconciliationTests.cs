using ElectionFunctions.Operations;
using System.Text.Json;
using ElectionFunctions.Intake;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// The reconciliation timer's handler on the real emulators: documents are written as a crash would
/// leave them (the document stored, its message never sent; claims held by an attempt that died), and
/// the stack's own pollers then carry the re-enqueued reports to the end.
/// </summary>
public sealed class ReconciliationTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ReportDocument Stranded(string status, Func<ReportDocument, ReportDocument>? change = null)
    {
        using var body = JsonDocument.Parse(Bodies.Incident("stranded " + Guid.NewGuid()));
        var report = stack.Service<SubmissionValidator>().Validate(body.RootElement).Report!;
        var id = ReportIds.ForKey(TestPartners.Partner, Guid.NewGuid().ToString());
        var document = new ReportDocument
        {
            Id = id, PartnerId = TestPartners.Partner, Status = status, ReceivedAt = DateTimeOffset.UtcNow,
            Sha256 = new string('0', 64), BlobPath = $"submissions/{id}.json", ContentType = "application/json",
            ElectionId = report.ElectionId, Tlp = report.Tlp!, Report = report,
        };
        return change is null ? document : change(document);
    }

    private Reconciler Reconciler(TimeSpan stuckAfter) => new(stack.Service<ReportStore>(), stack.Service<WorkQueues>(),
        Options.Create(new ReconciliationOptions { StuckAfter = stuckAfter }), TimeProvider.System, NullLogger<Reconciler>.Instance);

    [Fact]
    public async Task Reports_stuck_in_received_or_classified_are_re_enqueued_and_end_routed_and_fresh_ones_are_left_alone()
    {
        var store = stack.Service<ReportStore>();
        // A crash after the document was written and before its intake message was sent.
        var received = Stranded(ReportStatus.Received);
        // A routing attempt that claimed every agency, sent nothing and died: its claims have run out.
        var classifier = stack.Service<Classification.Classifier>();
        var claimedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var classified = Stranded(ReportStatus.Classified, d =>
        {
            var classification = classifier.Classify(d.Report);
            var (agencies, reasons) = stack.Service<Routing.RoutingDecider>().Decide(classification, d.Tlp, []);
            return d with
            {
                Classification = classification,
                RoutingReasons = reasons,
                Routing = [.. agencies.Select(a => new AgencyRouting(a, RoutingStatus.Sending, null, "dead-attempt", claimedAt))],
            };
        });
        Assert.True(await store.TryCreateAsync(received, Cancel));
        Assert.True(await store.TryCreateAsync(classified, Cancel));

        // _ts and the cut-off are whole seconds (both floored): 3.5 s puts both surely past a 2 s threshold.
        await Task.Delay(TimeSpan.FromSeconds(3.5), Cancel);
        var fresh = Stranded(ReportStatus.Received);
        Assert.True(await store.TryCreateAsync(fresh, Cancel));
        // Nothing else moves them: without reconciliation they would stay where the crash left them.
        Assert.Equal(ReportStatus.Received, (await store.ReadAsync(received.Id, Cancel))!.Value.Status);

        // What the reconciler will find: the two stranded ones, not the fresh one.
        var stuck = new List<string>();
        await foreach (var s in store.QueryStuckAsync(DateTimeOffset.UtcNow.AddSeconds(-2), 100_000, Cancel)) stuck.Add(s.Id);
        Assert.Contains(received.Id, stuck);
        Assert.Contains(classified.Id, stuck);
        Assert.DoesNotContain(fresh.Id, stuck);

        var requeued = await Reconciler(TimeSpan.FromSeconds(2)).ReconcileAsync(Cancel);
        Assert.True(requeued >= 2, $"re-enqueued {requeued}");

        // Generous: the shared emulators are busy with the other tests running in parallel.
        await stack.WaitForStatusAsync(received.Id, ReportStatus.Routed, TimeSpan.FromSeconds(60));
        var routed = await stack.WaitForStatusAsync(classified.Id, ReportStatus.Routed, TimeSpan.FromSeconds(60));
        Assert.Equal(classified.Routing.Select(r => r.Agency).Order(), routed.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()!).Order());
        Assert.All(routed.GetProperty("routing").EnumerateArray(), r => Assert.Equal("sent", r.GetProperty("status").GetString()));
        // Younger than the threshold: not touched.
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        Assert.Equal(ReportStatus.Received, (await store.ReadAsync(fresh.Id, Cancel))!.Value.Status);
    }

    [Fact]
    public async Task Routed_and_failed_reports_are_never_re_enqueued()
    {
        var store = stack.Service<ReportStore>();
        var routed = Stranded(ReportStatus.Routed);
        var failed = Stranded(ReportStatus.Failed, d => d with { FailureReason = "classification failed five times" });
        Assert.True(await store.TryCreateAsync(routed, Cancel));
        Assert.True(await store.TryCreateAsync(failed, Cancel));
        await Task.Delay(TimeSpan.FromSeconds(2.5), Cancel);

        var seen = new List<string>();
        await foreach (var stuck in store.QueryStuckAsync(DateTimeOffset.UtcNow.AddSeconds(-2), 100_000, Cancel)) seen.Add(stuck.Id);
        Assert.DoesNotContain(routed.Id, seen);
        Assert.DoesNotContain(failed.Id, seen);
        Assert.Equal(ReportStatus.Failed, (await store.ReadAsync(failed.Id, Cancel))!.Value.Status);
    }
}
