using NCrontab;

namespace ElectionFunctions.LocalHost;

/// <summary>The local stand-in for a TimerTrigger: the same NCRONTAB app setting, the same handler.</summary>
public sealed partial class ScheduledTimer(
    string name,
    string scheduleSetting,
    Func<CancellationToken, Task<int>> handler,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ScheduledTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var expression = configuration[scheduleSetting] ?? throw new InvalidOperationException($"{scheduleSetting} is not set.");
        var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                var count = await handler(stoppingToken);
                LogRan(logger, name, count);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer {Timer} ran: {Count}")]
    private static partial void LogRan(ILogger logger, string timer, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Timer} run failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string timer);
}
