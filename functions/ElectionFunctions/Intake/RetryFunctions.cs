using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Intake;

public sealed class RetryFunctions(RetryHandler handler, Http.HealthHandler health)
{
    [Function("RetryReport")]
    public async Task<IActionResult> RetryReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/{reportId}/retry")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken)
    {
        await handler.RetryAsync(request.HttpContext, reportId, cancellationToken);
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
