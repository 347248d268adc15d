using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Operations;

/// <summary>
/// Keeps failures visible: each failed attempt records its stage and exception type on the report (the message
/// goes to the log, with the report id), and a message that reaches the poison queue (after five dequeues) marks
/// the report <c>failed</c>. The partner sees a stable code and a short sentence, never exception text.
/// </summary>
public sealed partial class ProcessingFailures(ReportStore reports, ILogger<ProcessingFailures> logger)
{
    public async Task RecordAttemptAsync(string reportId, string stage, Exception error, CancellationToken cancellationToken)
    {
        LogAttemptFailed(logger, error, reportId, stage);
        try
        {
            var message = $"{stage}: {error.GetType().Name}";
            await reports.UpdateAsync(reportId, d => d with { LastError = message }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store may be the thing that failed; the message's retries still stand.
            LogRecordFailed(logger, e, reportId);
        }
    }

    /// <summary>Handles a message from <c>reports-intake-poison</c> or <c>reports-route-poison</c>.</summary>
    public async Task MarkFailedAsync(string message, string stage, CancellationToken cancellationToken)
    {
        var reportId = Storage.WorkQueues.Parse(message).ReportId;
        var stored = await reports.UpdateAsync(reportId, d => d.Status is ReportStatus.Routed or ReportStatus.Failed
            ? null
            : d with { Status = ReportStatus.Failed, FailureReason = Reason(stage) },
            cancellationToken).ConfigureAwait(false);
        LogMarkedFailed(logger, reportId, stage, stored?.Value.Status);
    }

    /// <summary>What the partner reads in <c>failureReason</c>: <c>{stage}-failed: </c> and a sentence.</summary>
    public static string Reason(string stage) =>
        $"{stage}-failed: The report's {stage} failed five times; operators are alerted and re-drive it once the cause is fixed. Nothing was lost.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId}: {Stage} attempt failed")]
    private static partial void LogAttemptFailed(ILogger logger, Exception error, string reportId, string stage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Report {ReportId}: could not record the failure")]
    private static partial void LogRecordFailed(ILogger logger, Exception error, string reportId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Report {ReportId}: poisoned in {Stage}; status now {Status}")]
    private static partial void LogMarkedFailed(ILogger logger, string reportId, string stage, string? status);
}
