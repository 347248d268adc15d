using ElectionFunctions.Intake;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Intake;

/// <summary>HTTP intake. Authentication is the bearer token (checked by the handler), not a function key.</summary>
public sealed class IntakeFunctions(IntakeHandler handler, ReportSchema schema)
{
    [Function("SubmitReport")]
    public async Task<IActionResult> SubmitReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await handler.SubmitAsync(request.HttpContext, cancellationToken);
        return new EmptyResult();
    }

    [Function("GetReport")]
    public async Task<IActionResult> GetReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/{reportId}")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken)
    {
        await handler.GetAsync(request.HttpContext, reportId, cancellationToken);
        return new EmptyResult();
    }

    [Function("GetReportSchema")]
    public async Task<IActionResult> GetReportSchema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schemas/" + ReportSchema.Name)] HttpRequest request)
    {
        await schema.WriteAsync(request.HttpContext);
        return new EmptyResult();
    }
}
