using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Intake;

/// <summary>HTTP intake. Authentication is the bearer token (CallerMiddleware, from [RequiresRole]), not a function key.</summary>
public sealed class IntakeFunctions(IntakeHandler intake, ReportStatusHandler status, ReportSchema schema)
{
    [Function("SubmitReport")]
    [RequiresRole(AppRoles.Submit, RegisteredPartner = true)]
    public Task<Results<Accepted<SubmitResponse>, WithHeader<Ok<SubmitResponse>>, Accepted<SubmitManyResponse>, ProblemResult>> SubmitReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/reports")] HttpRequest request,
        CancellationToken cancellationToken) =>
        intake.SubmitAsync(request, request.HttpContext.Partner(), cancellationToken);

    [Function("GetReport")]
    [RequiresRole(AppRoles.Read, RegisteredPartner = true)]
    public Task<Results<Ok<ReportStatusResponse>, ProblemResult>> GetReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reports/{reportId}")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken) =>
        status.GetAsync(reportId, request.HttpContext.Partner(), cancellationToken);

    [Function("GetReportSchema")]
    public WithHeader<FileContentHttpResult> GetReportSchema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schemas/" + ReportSchema.Name)] HttpRequest request) =>
        schema.Published();
}
