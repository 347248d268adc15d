using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Operations;

/// <summary>What operators and probes call: re-drive a failed report, and the health of the dependencies.</summary>
public sealed class OperationsFunctions(RetryHandler retry, HealthHandler health)
{
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
