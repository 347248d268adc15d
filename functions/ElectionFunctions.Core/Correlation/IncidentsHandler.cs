using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectionFunctions.Correlation;

/// <summary>What operators see of an incident: the keys, and under each the linked reports, their partners and agencies.</summary>
public sealed record IncidentView(string? ReportId, IReadOnlyList<CorrelationDocument> Keys);

/// <summary>
/// GET /api/incidents/{reportId} and GET /api/incidents?key=… (app role Reports.Admin): the reports linked to a report,
/// or under one key. Operators only: partners see nothing of other partners' reports, and agencies see links in their
/// messages only to reports they received.
/// </summary>
public sealed class IncidentsHandler(ReportStore reports, CorrelationIndex index)
{
    public async Task<Results<Ok<IncidentView>, ProblemResult>> ForReportAsync(string reportId, CancellationToken cancellationToken)
    {
        var stored = ReportIds.IsValid(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        if (stored is null) return Problems.NotFound("No report with this id.");
        var keys = new List<CorrelationDocument>();
        foreach (var key in stored.Value.Classification?.CorrelationKeys ?? [])
            if (await index.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } document) keys.Add(document);
        return TypedResults.Ok(new IncidentView(reportId, keys));
    }

    public async Task<Results<Ok<IncidentView>, ProblemResult>> ForKeyAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || !key.Contains(':', StringComparison.Ordinal))
            return new ProblemResult(StatusCodes.Status400BadRequest, "bad-request", "A key is needed",
                "Name one correlation key as type:value, e.g. ?key=domain:example.org.");
        return await index.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } document
            ? TypedResults.Ok(new IncidentView(null, [document]))
            : Problems.NotFound("No report has this correlation key.");
    }
}
