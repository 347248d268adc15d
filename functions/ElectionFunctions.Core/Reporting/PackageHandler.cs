using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Reporting;

/// <summary>The package on demand (POST /api/elections/{electionId}/package) and on the timer.</summary>
public sealed class PackageHandler(PackageCompiler compiler, IOptions<ElectionsOptions> elections, TimeProvider time)
{
    public const string ScheduleSetting = "PackageSchedule";

    public async Task<Results<Created<PackageResult>, NoContent, ProblemResult>> CompileAsync(string electionId, CancellationToken cancellationToken)
    {
        var result = await compiler.CompileAsync(electionId, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            CompileOutcome.UnknownElection => Problems.NotFound("No federal election with this id in the calendar."),
            CompileOutcome.Busy => new ProblemResult(StatusCodes.Status409Conflict, "compile-in-progress", "A compile is running",
                "Another compile of this election holds the lease; retry later.") { RetryAfter = "60" },
            CompileOutcome.NothingNew => TypedResults.NoContent(),
            _ => TypedResults.Created((string?)null, result.Package!),
        };
    }

    /// <summary>
    /// The timer: a draft for every election from its day to its due date when a report changed since the last one,
    /// the final on it, addenda afterwards when reports arrive.
    /// </summary>
    public async Task<IReadOnlyList<CompileResult>> CompileDueAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var results = new List<CompileResult>();
        foreach (var election in elections.Value.Calendar.Where(e => today >= e.Date).OrderBy(e => e.Date))
            results.Add(await compiler.CompileAsync(election.Id, cancellationToken, onlyIfChanged: true).ConfigureAwait(false));
        return results;
    }
}
