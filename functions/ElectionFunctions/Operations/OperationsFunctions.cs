using ElectionFunctions.Operations;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Operations;

/// <summary>What keeps reports moving and what operators and probes call: reconciliation, re-drive, health.</summary>
public sealed class OperationsFunctions(Reconciler reconciler, RetryHandler retry, HealthHandler health)
{
    /// <summary>Every five minutes by default; the schedule is the app setting ReconcileSchedule (NCRONTAB, six fields).</summary>
    [Function("ReconcileReports")]
    public Task ReconcileReports(
        [TimerTrigger("%" + ReconciliationOptions.ScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        reconciler.ReconcileAsync(cancellationToken);

    [Function("RetryReport")]
    public async Task<IActionResult> RetryReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/{reportId}/retry")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken)
    {
        await retry.RetryAsync(request.HttpContext, reportId, cancellationToken);
        return new EmptyResult();
    }

    [Function("Health")]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await health.CheckAsync(request.HttpContext, cancellationToken);
        return new EmptyResult();
    }
}
