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
        switch (result.Outcome)
        {
            case CompileOutcome.UnknownElection:
                await Problems.NotFound(context, "No federal election with this id in the calendar.").ConfigureAwait(false);
                break;
            case CompileOutcome.Busy:
                context.Response.Headers.RetryAfter = "60";
                await Problems.WriteAsync(context, StatusCodes.Status409Conflict, "compile-in-progress", "A compile is running",
                    "Another compile of this election holds the lease; retry later.").ConfigureAwait(false);
                break;
            case CompileOutcome.NothingNew:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await Results.Json(result.Package!, ElectionJsonContext.Default.PackageResult, statusCode: StatusCodes.Status201Created).ExecuteAsync(context).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The timer: a draft for every election from its day to its due date, the final on it, addenda afterwards when reports arrive.</summary>
    public async Task<IReadOnlyList<CompileResult>> CompileDueAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var results = new List<CompileResult>();
        foreach (var election in elections.Value.Calendar.Where(e => today >= e.Date).OrderBy(e => e.Date))
            results.Add(await compiler.CompileAsync(election.Id, cancellationToken).ConfigureAwait(false));
        return results;
    }
}
