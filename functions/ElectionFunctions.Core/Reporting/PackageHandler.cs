using ElectionFunctions.Http;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Reporting;

/// <summary>The package on demand (POST /api/elections/{electionId}/package) and on the timer.</summary>
public sealed class PackageHandler(RequestAuthorizer authorizer, PackageCompiler compiler, IOptions<ElectionsOptions> elections, TimeProvider time)
{
    public const string ScheduleSetting = "PackageSchedule";

    public async Task CompileAsync(HttpContext context, string electionId, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(context, AppRoles.CompilePackages).ConfigureAwait(false) is null) return;

        var result = await compiler.CompileAsync(electionId, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            await Problems.NotFound(context, "No federal election with this id in the calendar.").ConfigureAwait(false);
            return;
        }
        await Results.Json(result, ElectionJsonContext.Default.PackageResult, statusCode: StatusCodes.Status201Created).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The timer: a draft for every election from its day to its due date.</summary>
    public async Task<IReadOnlyList<PackageResult>> CompileDueAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var results = new List<PackageResult>();
        foreach (var election in elections.Value.Calendar.Where(e => today >= e.Date && today <= e.Date.AddDays(elections.Value.PackageDueDays)))
        {
            if (await compiler.CompileAsync(election.Id, cancellationToken).ConfigureAwait(false) is { } result) results.Add(result);
        }
        return results;
    }
}
