using System.Diagnostics.Metrics;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Acknowledgements;

/// <summary>
/// The overdue check (timer <c>AcknowledgementSchedule</c>, every minute): a report an agency was sent and has not
/// acknowledged within its severity's time (critical: 15 min) raises an alert, once per (report, agency): a warning log
/// event, the metric <c>electionfunctions.acknowledgements.overdue</c> and the Election Day Watch's list. Never a resend:
/// the agency has the message; an operator calls.
/// </summary>
public sealed partial class OverdueAcknowledgements(ReportStore reports, IOptions<AcknowledgementOptions> options, TimeProvider time, ILogger<OverdueAcknowledgements> logger)
{
    public static readonly Counter<long> Overdue = Telemetry.Meter.CreateCounter<long>("electionfunctions.acknowledgements.overdue", "{alert}");

    /// <summary>The agencies a report was sent to that have not acknowledged it past its severity's time, with how long since it was sent.</summary>
    public static IEnumerable<(string Agency, DateTimeOffset SentAt, TimeSpan Waiting)> Unacknowledged(
        IReadOnlyList<AgencyRouting>? routing, IReadOnlyList<Acknowledgement>? acknowledgements, DateTimeOffset now) =>
        (routing ?? []).Where(r => r.Status == RoutingStatus.Sent && r.At is not null && (acknowledgements ?? []).All(a => a.Agency != r.Agency))
            .Select(r => (r.Agency, r.At!.Value, now - r.At.Value));

    /// <summary>When the report's next alert falls due (<see cref="ReportDocument.NextAlertAt"/>): written wherever sending, acknowledging or alerting changes it.</summary>
    public static DateTimeOffset? NextAlertAt(ReportDocument d, AcknowledgementOptions o) =>
        d.Routing.Where(r => r.Status == RoutingStatus.Sent && r.At is not null && d.Acknowledgements.All(a => a.Agency != r.Agency) && !d.OverdueAlerts.Contains(r.Agency))
            .Select(r => (DateTimeOffset?)(r.At!.Value + o.AlertAfterFor(d.Classification?.Severity))).Min();

    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var alerts = 0;
        // Due first: a backlog of old alerts cannot keep a new critical one from being seen.
        await foreach (var id in reports.QueryAlertsDueAsync(now, o.MaxPerRun, cancellationToken).ConfigureAwait(false))
        {
            List<(string Agency, TimeSpan Waiting)> raised = [];
            string? severity = null;
            await reports.UpdateAsync(id, d =>
            {
                severity = d.Classification?.Severity;
                raised = [.. Unacknowledged(d.Routing, d.Acknowledgements, now)
                    .Where(u => !d.OverdueAlerts.Contains(u.Agency) && u.Waiting >= o.AlertAfterFor(severity)).Select(u => (u.Agency, u.Waiting))];
                var next = raised.Count == 0 ? d : d with { OverdueAlerts = [.. d.OverdueAlerts, .. raised.Select(r => r.Agency)] };
                next = next with { NextAlertAt = NextAlertAt(next, o) };
                return next == d ? null : next;
            }, cancellationToken).ConfigureAwait(false);
            foreach (var (agency, waiting) in raised)
            {
                LogOverdue(logger, id, agency, severity ?? "unknown", (int)waiting.TotalMinutes);
                Overdue.Add(1, new KeyValuePair<string, object?>("agency", agency), new KeyValuePair<string, object?>("severity", severity));
                alerts++;
            }
        }
        return alerts;
    }

    [LoggerMessage(EventId = 2001, EventName = "AcknowledgementOverdue", Level = LogLevel.Warning,
        Message = "Report {ReportId} sent to {Agency} is unacknowledged after {Minutes} min ({Severity}): call the agency; nothing is resent")]
    private static partial void LogOverdue(ILogger logger, string reportId, string agency, string severity, int minutes);
}
