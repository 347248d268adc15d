using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Operations;

/// <summary>
/// POST /api/reports/{id}/retry (app role Reports.Admin): an operator re-drives a failed report from
/// the stage it failed in, once the cause is fixed. Stages are idempotent, so nothing done is redone.
/// </summary>
public sealed partial class RetryHandler(ReportStore reports, WorkQueues queues, ILogger<RetryHandler> logger)
{
    public async Task<Results<Accepted<SubmitResponse>, ProblemResult>> RetryAsync(HttpRequest request, string reportId, Caller caller, CancellationToken cancellationToken)
    {
        var current = ReportIds.IsValid(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        if (current is null) return Problems.NotFound("No report with this id.");
        var updated = await reports.UpdateAsync(reportId, d => d.Status != ReportStatus.Failed ? null : d with
        {
            Status = d.Classification is null ? ReportStatus.Received : ReportStatus.Classified,
            FailureReason = null,
            LastError = null,
        }, cancellationToken).ConfigureAwait(false);
        var report = updated!.Value;
        if (current.Value.Status != ReportStatus.Failed)
            return new ProblemResult(StatusCodes.Status409Conflict, "not-failed", "The report has not failed",
                $"Only a failed report can be re-driven; this one is {report.Status}.");

        await queues.EnqueueAsync(report.Status == ReportStatus.Received ? QueueNames.Intake : QueueNames.Route, reportId, cancellationToken).ConfigureAwait(false);
        LogRetried(logger, reportId, caller.Id, report.Status);
        return TypedResults.Accepted((string?)null, new SubmitResponse(reportId, report.Status, ReportIds.StatusUrl(request, reportId), report.Sha256, null));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} re-driven by {OperatorId} from status {Status}")]
    private static partial void LogRetried(ILogger logger, string reportId, string operatorId, string status);
}
