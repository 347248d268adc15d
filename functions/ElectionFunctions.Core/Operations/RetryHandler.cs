using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Operations;

/// <summary>
/// POST /api/reports/{id}/retry (app role Reports.Admin): an operator re-drives a failed report from
/// the stage it failed in, once the cause is fixed. Stages are idempotent, so nothing done is redone.
/// </summary>
public sealed partial class RetryHandler(RequestAuthorizer authorizer, ReportStore reports, WorkQueues queues, ILogger<RetryHandler> logger)
{
    public async Task RetryAsync(HttpContext context, string reportId, CancellationToken cancellationToken)
    {
        var operatorId = await authorizer.AuthorizeAsync(context, AppRoles.Admin).ConfigureAwait(false);
        if (operatorId is null) return;

        var current = ReportIds.IsValid(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        if (current is null)
        {
            await Problems.NotFound(context, "No report with this id.").ConfigureAwait(false);
            return;
        }
        var updated = await reports.UpdateAsync(reportId, d => d.Status != ReportStatus.Failed ? null : d with
        {
            Status = d.Classification is null ? ReportStatus.Received : ReportStatus.Classified,
            FailureReason = null,
            LastError = null,
        }, cancellationToken).ConfigureAwait(false);
        var report = updated!.Value;
        if (current.Value.Status != ReportStatus.Failed)
        {
            await Problems.WriteAsync(context, StatusCodes.Status409Conflict, "not-failed", "The report has not failed",
                $"Only a failed report can be re-driven; this one is {report.Status}.").ConfigureAwait(false);
            return;
        }

        await queues.EnqueueAsync(report.Status == ReportStatus.Received ? QueueNames.Intake : QueueNames.Route, reportId, cancellationToken).ConfigureAwait(false);
        LogRetried(logger, reportId, operatorId, report.Status);
        var statusUrl = $"{context.Request.Scheme}://{context.Request.Host}/api/reports/{reportId}";
        await Results.Json(new SubmitResponse(reportId, report.Status, statusUrl, report.Sha256, null), ElectionJsonContext.Default.SubmitResponse,
            statusCode: StatusCodes.Status202Accepted).ExecuteAsync(context).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} re-driven by {OperatorId} from status {Status}")]
    private static partial void LogRetried(ILogger logger, string reportId, string operatorId, string status);
}
