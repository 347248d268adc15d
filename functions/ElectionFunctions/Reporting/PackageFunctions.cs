using ElectionFunctions.Reporting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
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
    public async Task<IActionResult> CompilePackageOnDemand(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "elections/{electionId}/package")] HttpRequest request,
        string electionId,
        CancellationToken cancellationToken)
    {
        await handler.CompileAsync(request.HttpContext, electionId, cancellationToken);
        return new EmptyResult();
    }
}
