using ElectionFunctions.Operations;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Classification;

/// <summary>reports-intake → classify → reports-route. Idempotent: a redelivered message classifies nothing twice.</summary>
public sealed partial class ClassifyHandler(Classifier classifier, Correlation.CorrelationKeys correlation, ReportStore reports, WorkQueues queues,
    ProcessingFailures failures, ILogger<ClassifyHandler> logger)
{
    public const string Stage = "classification";

    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        var (reportId, traceParent) = WorkQueues.Parse(message);
        using var activity = Telemetry.StartStage("classify", System.Diagnostics.ActivityKind.Consumer, traceParent, reportId);
        using var scope = logger.BeginScope(Telemetry.Scope(reportId));
        try
        {
            var stored = await reports.UpdateAsync(reportId, d => d.Status == ReportStatus.Received
                ? d with { Status = ReportStatus.Classified, Classification = WithKeys(d, classifier.Classify(d.Report)) }
                : null, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                LogUnknown(logger, reportId);
                return;
            }
            // Also when it was classified before: the earlier attempt may have stopped before this enqueue.
            if (stored.Value.Status == ReportStatus.Classified)
            {
                await queues.EnqueueAsync(QueueNames.Route, reportId, cancellationToken).ConfigureAwait(false);
                LogClassified(logger, reportId, string.Join(",", stored.Value.Classification!.Categories), stored.Value.Classification.Severity);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failures.RecordAttemptAsync(reportId, Stage, e, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The report's correlation keys, and the reasons for any left out, beside its classification.</summary>
    private ClassificationResult WithKeys(ReportDocument report, ClassificationResult classification)
    {
        var (keys, reasons) = correlation.For(report with { Classification = classification });
        return classification with { CorrelationKeys = keys, Reasons = [.. classification.Reasons, .. reasons] };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} not found; message dropped")]
    private static partial void LogUnknown(ILogger logger, string reportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} classified: {Categories}, severity {Severity}")]
    private static partial void LogClassified(ILogger logger, string reportId, string categories, string severity);
}
