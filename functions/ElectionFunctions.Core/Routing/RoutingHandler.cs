using ElectionFunctions.Operations;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Routing;

/// <summary>
/// reports-route → one message per agency, once. An attempt first claims the agencies it will send
/// (one ETag write: the plan with every agency claimed, or the pending and lease-expired ones), then
/// publishes, then marks them sent. A duplicate or redelivered message finds the claims taken or the
/// agencies sent and sends nothing. Only a crash between a publish and its mark can repeat a message,
/// after the lease; its MessageId ({reportId}:{agency}) lets Service Bus drop it.
/// </summary>
public sealed partial class RoutingHandler(
    RoutingDecider decider,
    Correlation.CorrelationIndex correlations,
    Taxii.TaxiiFeed taxii,
    IAgencyPublisher publisher,
    ReportStore reports,
    ProcessingFailures failures,
    IOptions<RoutingOptions> options,
    IOptions<Acknowledgements.AcknowledgementOptions> acknowledgements,
    TimeProvider time,
    ILogger<RoutingHandler> logger)
{
    public const string Stage = "routing";

    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        var (reportId, traceParent) = WorkQueues.Parse(message);
        using var activity = Telemetry.StartStage("route", System.Diagnostics.ActivityKind.Consumer, traceParent, reportId);
        using var scope = logger.BeginScope(Telemetry.Scope(reportId));
        try
        {
            await RouteAsync(reportId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failures.RecordAttemptAsync(reportId, Stage, e, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RouteAsync(string reportId, CancellationToken cancellationToken)
    {
        var attempt = Guid.NewGuid().ToString("N");
        var stored = await reports.UpdateAsync(reportId, d => Claim(d, attempt, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            LogUnknown(logger, reportId);
            return;
        }
        var report = stored.Value;
        if (report.Status == ReportStatus.Received)
            throw new InvalidOperationException("The report is not classified yet.");

        var mine = report.Routing.Where(r => r.Status == RoutingStatus.Sending && r.ClaimedBy == attempt).Select(r => r.Agency).ToList();
        if (mine.Count == 0) return; // routed already, or another attempt holds the claims

        // Recorded under its keys with every agency it goes to (idempotent), and what each agency already has that it links to.
        var related = await correlations.RecordAsync(report, [.. report.Routing.Select(r => r.Agency)], cancellationToken).ConfigureAwait(false);
        var sent = new List<string>();
        try
        {
            foreach (var agency in mine)
            {
                var message = AgencyMessage.For(agency, report, report.RoutingReasons, related[agency]);
                // In the agency's TAXII collection first: a message on the queue always has its objects to fetch.
                await taxii.AddAsync(message, cancellationToken).ConfigureAwait(false);
                await publisher.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                sent.Add(agency);
                LogSent(logger, reportId, agency);
            }
        }
        finally
        {
            // Record what went out and give back what did not, so a retry sends only what is left.
            await SettleAsync(reportId, attempt, sent).ConfigureAwait(false);
        }
    }

    /// <summary>The plan with every agency claimed by this attempt, or a claim on what is pending or whose lease ran out; null when there is nothing to claim.</summary>
    private ReportDocument? Claim(ReportDocument d, string attempt, DateTimeOffset now)
    {
        if (d.Status != ReportStatus.Classified) return null;
        if (d.RoutingReasons.Count == 0)
        {
            // A follow-up goes where the report it answers goes: its question came from there (TLP and need-to-know alike).
            var (agencies, reasons) = d.RouteTo is { } to
                ? ((IReadOnlyList<string>)[.. to], (IReadOnlyList<Reason>)[new Reason("routing.follow-up", $"follow-up to report {d.AmendmentOf}: to the agencies it was sent to ({string.Join(", ", to)})")])
                : decider.Decide(d.Classification!, d.Tlp, d.Report.Recipients ?? []);
            return d with
            {
                Routing = [.. agencies.Select(a => new AgencyRouting(a, RoutingStatus.Sending, null, attempt, now))],
                RoutingReasons = reasons,
                // Nothing to send (out of scope): done now.
                Status = agencies.Count == 0 ? ReportStatus.Routed : d.Status,
                RoutedAt = agencies.Count == 0 ? now : null,
            };
        }
        // Everything went out but the last write did not land (or a re-drive): finish.
        if (d.Routing.All(r => r.Status == RoutingStatus.Sent)) return d with { Status = ReportStatus.Routed, RoutedAt = now };
        bool Claimable(AgencyRouting r) => r.Status == RoutingStatus.Pending || (r.Status == RoutingStatus.Sending && r.ClaimedAt + options.Value.ClaimLease < now);
        if (!d.Routing.Any(Claimable)) return null;
        return d with { Routing = [.. d.Routing.Select(r => Claimable(r) ? r with { Status = RoutingStatus.Sending, ClaimedBy = attempt, ClaimedAt = now } : r)] };
    }

    private Task SettleAsync(string reportId, string attempt, IReadOnlyList<string> sent)
    {
        var at = time.GetUtcNow();
        return reports.UpdateAsync(reportId, d =>
        {
            var routing = d.Routing.Select(r => r.ClaimedBy != attempt || r.Status != RoutingStatus.Sending ? r
                : sent.Contains(r.Agency) ? new AgencyRouting(r.Agency, RoutingStatus.Sent, at)
                : new AgencyRouting(r.Agency, RoutingStatus.Pending, null)).ToList();
            var done = routing.All(r => r.Status == RoutingStatus.Sent);
            var next = d with { Routing = routing, Status = done ? ReportStatus.Routed : d.Status, RoutedAt = done ? at : d.RoutedAt };
            return next with { NextAlertAt = Acknowledgements.OverdueAcknowledgements.NextAlertAt(next, acknowledgements.Value) };
        }, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} not found; message dropped")]
    private static partial void LogUnknown(ILogger logger, string reportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} sent to {Agency}")]
    private static partial void LogSent(ILogger logger, string reportId, string agency);
}
