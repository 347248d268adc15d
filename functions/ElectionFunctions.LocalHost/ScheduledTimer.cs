using NCrontab;

namespace ElectionFunctions.LocalHost;

/// <summary>The local stand-in for a TimerTrigger: the same schedule (an NCRONTAB expression, or %AppSetting% naming one), the same function.</summary>
public sealed partial class ScheduledTimer(
    string name,
    string schedule,
    Func<CancellationToken, Task> handler,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ScheduledTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var expression = schedule.Length > 2 && schedule.StartsWith('%') && schedule.EndsWith('%')
            ? configuration[schedule[1..^1]] ?? throw new InvalidOperationException($"{schedule[1..^1]} is not set.")
            : schedule;
        var crontab = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = crontab.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                await handler(stoppingToken);
                LogRan(logger, name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // As the Functions host does: the run failed, the next occurrence still comes.
                LogFailed(logger, e, name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer {Timer} ran")]
    private static partial void LogRan(ILogger logger, string timer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Timer} run failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string timer);
}
