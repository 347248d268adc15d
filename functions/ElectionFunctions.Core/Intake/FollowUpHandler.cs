using System.Security.Cryptography;
using ElectionFunctions.Http;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectionFunctions.Intake;

/// <summary>POST /api/reports/{id}/follow-ups: the body.</summary>
public sealed record FollowUpRequest(string? Answer);

/// <summary>
/// A partner answers an agency's question (issue 20): the follow-up is a new report, linked to the one it answers, holding
/// the answer and then that report's narrative, with its TLP and election, and routed to the agencies that report went to
/// (whatever the rules would now decide: the question came from there). Stored and queued as any report (raw body kept,
/// idempotent by Idempotency-Key or body), so classification, routing, TAXII and the watch see it as one.
/// </summary>
public sealed class FollowUpHandler(ReportStore reports, IntakeHandler intake, TimeProvider time)
{
    public const int MaxAnswer = 20_000, MaxBody = 128 * 1024;

    public async Task<Results<Accepted<SubmitResponse>, ProblemResult>> FollowUpAsync(HttpRequest request, string reportId, PartnerInfo partner, CancellationToken cancellationToken)
    {
        var stored = ReportIds.IsValid(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        if (stored is null || stored.Value.PartnerId != partner.Id) return Problems.NotFound("No report with this id for this partner.");
        var original = stored.Value;
        if (!original.Routing.Any(r => r.Status == RoutingStatus.Sent))
            return new ProblemResult(StatusCodes.Status409Conflict, "not-routed", "Not sent to any agency", "A follow-up answers a report that was sent to an agency; this one was not (yet).");

        var (followUp, body, unreadable) = await JsonBody.ReadAsync(request, MaxBody, ElectionJsonContext.Default.FollowUpRequest, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null) return unreadable;
        if (followUp?.Answer is not { } answer || string.IsNullOrWhiteSpace(answer) || answer.Length > MaxAnswer
            || answer.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            return Problems.Validation(new Dictionary<string, string[]> { ["answer"] = [$"Required: 1 to {MaxAnswer} characters, no control characters but line breaks and tabs."] });
        var keys = request.Headers[IntakeHandler.IdempotencyHeader];
        if (keys.Count > 1 || (keys.Count == 1 && !IntakeHandler.IsValidKey(keys[0]!)))
            return Problems.Validation(new Dictionary<string, string[]> { [IntakeHandler.IdempotencyHeader] = [$"One key of 1 to {IntakeHandler.MaxIdempotencyKeyLength} visible ASCII characters."] });

        var report = original.Report with
        {
            Title = Clip("Follow-up: " + original.Report.Title, 300),
            Narrative = Clip($"{answer}\n\n--- Follow-up to report {original.Id} ({original.Report.Title}):\n\n{original.Report.Narrative}", 200_000),
        };
        var validated = new Validated(report, [])
        {
            Tlp = new TlpReading(original.Tlp, $"the report it follows up ({original.Id})", []),
            Reasons = [new Reason("intake.follow-up", $"follow-up to report {original.Id}")],
        };
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        // Keyed per report it answers, so one key used on two reports is two follow-ups.
        var ids = keys.Count == 1 ? SubmissionIds.Keyed(partner.Id, $"follow-up:{original.Id}:{keys[0]}") : SubmissionIds.Body(partner.Id, $"follow-up:{original.Id}:{sha256}");
        var (outcomes, refused) = await intake.StoreAsync(partner, new Submission([validated], []), body, sha256, "application/json", ids, cancellationToken, amends: original)
            .ConfigureAwait(false);
        if (outcomes is null) return refused!;
        var outcome = outcomes[0];
        var at = time.GetUtcNow();
        await reports.UpdateAsync(original.Id, d => d.Amendments.Any(a => a.ReportId == outcome.ReportId) ? null
            : d with { Amendments = [.. d.Amendments, new FollowUp(outcome.ReportId, at)] }, cancellationToken).ConfigureAwait(false);
        var statusUrl = ReportIds.StatusUrl(request, outcome.ReportId);
        return TypedResults.Accepted(statusUrl, new SubmitResponse(outcome.ReportId, outcome.Status, statusUrl, sha256, outcome.DuplicateOf));
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
