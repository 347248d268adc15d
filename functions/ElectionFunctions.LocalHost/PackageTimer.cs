using ElectionFunctions.Reporting;
using NCrontab;

namespace ElectionFunctions.LocalHost;

/// <summary>The local stand-in for the CompilePackage TimerTrigger: same NCRONTAB setting, same handler.</summary>
public sealed partial class PackageTimer(PackageHandler handler, IConfiguration configuration, TimeProvider time, ILogger<PackageTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var expression = configuration[PackageHandler.ScheduleSetting] ?? throw new InvalidOperationException($"{PackageHandler.ScheduleSetting} is not set.");
        var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                var results = await handler.CompileDueAsync(stoppingToken);
                LogRan(logger, results.Count);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Package timer compiled {Count} packages")]
    private static partial void LogRan(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Package timer run failed")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
