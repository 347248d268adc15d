using System.ComponentModel.DataAnnotations;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Operations;

/// <summary>Reconciliation (configuration section <c>Reconciliation</c>; the schedule is the app setting <c>ReconcileSchedule</c>).</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";
    public const string ScheduleSetting = "ReconcileSchedule";

    /// <summary>A report unchanged this long in <c>received</c> or <c>classified</c> is stuck. Longer than a stage takes, backlog included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many re-enqueued per run, so a large backlog is not doubled in one go.</summary>
    [Range(1, 100_000)]
    public int MaxPerRun { get; set; } = 1000;
}

/// <summary>
/// The safety net behind the queues: a report whose stage stopped (a crash between a write and its
/// enqueue, a message dropped while a claim was held) is re-enqueued to the stage it is in. Every
/// stage is idempotent, so a report that was only slow is handled once more at no harm.
/// </summary>
public sealed partial class Reconciler(ReportStore reports, WorkQueues queues, IOptions<ReconciliationOptions> options, TimeProvider time, ILogger<Reconciler> logger)
{
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var before = time.GetUtcNow() - settings.StuckAfter;
        var count = 0;
        await foreach (var stuck in reports.QueryStuckAsync(before, settings.MaxPerRun, cancellationToken).ConfigureAwait(false))
        {
            var queue = stuck.Status == ReportStatus.Received ? QueueNames.Intake : QueueNames.Route;
            await queues.EnqueueAsync(queue, stuck.Id, cancellationToken).ConfigureAwait(false);
            LogRequeued(logger, stuck.Id, stuck.Status, queue);
            count++;
        }
        if (count > 0) LogRun(logger, count, settings.StuckAfter);
        return count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} stuck in {Status}; re-enqueued to {Queue}")]
    private static partial void LogRequeued(ILogger logger, string reportId, string status, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation re-enqueued {Count} reports unchanged for {StuckAfter}")]
    private static partial void LogRun(ILogger logger, int count, TimeSpan stuckAfter);
}
