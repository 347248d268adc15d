using ElectionFunctions.Http;
using ElectionFunctions.Reporting;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Reporting;

public sealed class PackageFunctions(PackageHandler handler)
{
    /// <summary>Daily by default; the schedule is the app setting PackageSchedule (NCRONTAB, six fields).</summary>
    [Function("CompilePackage")]
    public Task CompilePackage(
        [TimerTrigger("%" + PackageHandler.ScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        handler.CompileDueAsync(cancellationToken);

    [Function("CompilePackageOnDemand")]
    [RequiresRole(AppRoles.CompilePackages)]
    public Task<Results<Created<PackageResult>, NoContent, ProblemResult>> CompilePackageOnDemand(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/elections/{electionId}/package")] HttpRequest request,
        string electionId,
        CancellationToken cancellationToken) =>
        handler.CompileAsync(electionId, cancellationToken);
}
