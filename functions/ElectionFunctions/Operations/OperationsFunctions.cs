using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Operations;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
    [RequiresRole(AppRoles.Admin)]
    public Task<Results<Accepted<SubmitResponse>, ProblemResult>> RetryReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/reports/{reportId}/retry")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken) =>
        retry.RetryAsync(request, reportId, request.HttpContext.Caller(), cancellationToken);

    /// <summary>Anonymous, for probes: it reveals reachability, no data.</summary>
    [Function("Health")]
    public Task<WithHeader<JsonHttpResult<HealthReport>>> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        health.CheckAsync(cancellationToken);
}
