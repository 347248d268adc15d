using ElectionFunctions.Correlation;
using ElectionFunctions.Http;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Correlation;

/// <summary>The operators' view of linked reports (app role Reports.Admin).</summary>
public sealed class CorrelationFunctions(IncidentsHandler incidents)
{
    [Function("GetIncidentOfReport")]
    [RequiresRole(AppRoles.Admin)]
    public Task<Results<Ok<IncidentView>, ProblemResult>> GetIncidentOfReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/incidents/{reportId}")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken) =>
        incidents.ForReportAsync(reportId, cancellationToken);

    [Function("GetIncidentOfKey")]
    [RequiresRole(AppRoles.Admin)]
    public Task<Results<Ok<IncidentView>, ProblemResult>> GetIncidentOfKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/incidents")] HttpRequest request,
        CancellationToken cancellationToken) =>
        incidents.ForKeyAsync(request.Query["key"].FirstOrDefault(), cancellationToken);
}
