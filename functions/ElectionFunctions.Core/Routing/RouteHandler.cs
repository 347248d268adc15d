using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Routing;

/// <summary>
/// reports-route → one message per agency. The plan (agencies and reasons) is written first, then each
/// agency is marked sent after its message, so a redelivered message sends only what is still pending.
/// </summary>
public sealed partial class RouteHandler(
    RoutingDecider decider,
    IAgencyPublisher publisher,
    ReportStore reports,
    ProcessingFailures failures,
    TimeProvider time,
    ILogger<RouteHandler> logger)
{
    public const string Stage = "routing";

    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        var reportId = WorkQueues.Parse(message).ReportId;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ReportId"] = reportId });
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
        var stored = await reports.UpdateAsync(reportId, d =>
        {
            if (d.Status != ReportStatus.Classified || d.RoutingReasons.Count > 0) return null;
            var (agencies, reasons) = decider.Decide(d.Classification!, d.Tlp, d.Report.Recipients ?? []);
            return d with
            {
                Routing = [.. agencies.Select(a => new AgencyRouting(a, RoutingStatus.Pending, null))],
                RoutingReasons = reasons,
                // Nothing to send (out of scope): done now.
                Status = agencies.Count == 0 ? ReportStatus.Routed : d.Status,
                RoutedAt = agencies.Count == 0 ? time.GetUtcNow() : null,
            };
        }, cancellationToken).ConfigureAwait(false);

        if (stored is null)
        {
            LogUnknown(logger, reportId);
            return;
        }
        var report = stored.Value;
        if (report.Status == ReportStatus.Received)
            throw new InvalidOperationException("The report is not classified yet.");
        if (report.Status != ReportStatus.Classified) return;

        foreach (var pending in report.Routing.Where(r => r.Status == RoutingStatus.Pending))
        {
            await publisher.PublishAsync(AgencyMessage.For(pending.Agency, report, report.RoutingReasons), cancellationToken).ConfigureAwait(false);
            var at = time.GetUtcNow();
            var updated = await reports.UpdateAsync(reportId, d =>
            {
                var routing = d.Routing.Select(r => r.Agency == pending.Agency ? r with { Status = RoutingStatus.Sent, At = at } : r).ToList();
                var done = routing.All(r => r.Status == RoutingStatus.Sent);
                return d with { Routing = routing, Status = done ? ReportStatus.Routed : d.Status, RoutedAt = done ? at : d.RoutedAt };
            }, cancellationToken).ConfigureAwait(false);
            LogSent(logger, reportId, pending.Agency, updated?.Value.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} not found; message dropped")]
    private static partial void LogUnknown(ILogger logger, string reportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} sent to {Agency}; status {Status}")]
    private static partial void LogSent(ILogger logger, string reportId, string agency, string? status);
}
