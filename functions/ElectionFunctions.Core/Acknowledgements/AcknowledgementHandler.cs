using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Acknowledgements;

/// <summary>
/// POST /api/agencies/{agency}/acknowledgements: an agency's principal (app role <c>Agency.{name}</c>) says what it made of
/// a report it was sent. Only its own agency, only reports sent to it: another agency's path is 403, a report not sent to
/// this agency (or being sent to it) answers exactly as an unknown one (404), so a TLP:RED report's existence is not disclosed. One
/// acknowledgement per (report, agency): sent again it changes nothing (200); a new disposition replaces the old, and the
/// first answer's time stays (time to acknowledge).
/// </summary>
public sealed partial class AcknowledgementHandler(ReportStore reports, Microsoft.Extensions.Options.IOptions<AcknowledgementOptions> options, TimeProvider time,
    ILogger<AcknowledgementHandler> logger)
{
    public const int MaxText = 2000;

    public async Task<Results<Created<AcknowledgementResponse>, Ok<AcknowledgementResponse>, ProblemResult>> AcknowledgeAsync(
        HttpRequest request, string agency, Caller caller, CancellationToken cancellationToken)
    {
        if (!Vocabulary.Agencies.Contains(agency)) return Problems.NotFound("No such agency.");
        if (!caller.Roles.Any(r => AppRoles.AgencyOf(r) == agency))
            return new ProblemResult(StatusCodes.Status403Forbidden, "forbidden", "Not this agency's principal", $"Acknowledging for {agency} needs the app role Agency.{agency.ToUpperInvariant()}.");

        var (ack, _, refused) = await JsonBody.ReadAsync(request, 16 * 1024, ElectionJsonContext.Default.AcknowledgementRequest, cancellationToken).ConfigureAwait(false);
        if (refused is not null) return refused;
        if (ack is null) return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON object."] });
        if (Check(ack) is { Count: > 0 } errors) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        // Sending counts: routing marks an agency sent after its whole round, and a quick agency may answer before that.
        static bool SentTo(ReportDocument d, string agency) => d.Routing.Any(r => r.Agency == agency && r.Status is RoutingStatus.Sent or RoutingStatus.Sending);
        // The report it duplicates must be one this agency holds too: nothing else can be probed through it.
        if (ack.DuplicateOf is { } original)
        {
            var other = await reports.ReadAsync(original, cancellationToken).ConfigureAwait(false);
            if (other is null || !SentTo(other.Value, agency))
                return Problems.Validation(new Dictionary<string, string[]> { ["duplicateOf"] = ["Not a report sent to this agency."] });
        }

        var created = false;
        AcknowledgementResponse? answer = null;
        var stored = await reports.UpdateAsync(ack.ReportId!, d =>
        {
            if (!SentTo(d, agency)) return null;
            var before = d.Acknowledgements.FirstOrDefault(a => a.Agency == agency);
            var next = new Acknowledgement(agency, ack.Disposition!, before?.AcknowledgedAt ?? now, now, ack.Question, ack.DuplicateOf, ack.Reason);
            if (before is not null && before with { UpdatedAt = now } == next)
            {
                (created, answer) = (false, Answer(d.Id, before));
                return null;
            }
            created = before is null;
            answer = Answer(d.Id, next);
            var acknowledgements = d.Acknowledgements.Where(a => a.Agency != agency).Append(next).OrderBy(a => a.Agency, StringComparer.Ordinal).ToList();
            var changed = d with { Acknowledgements = acknowledgements };
            return changed with { NextAlertAt = OverdueAcknowledgements.NextAlertAt(changed, options.Value) };
        }, cancellationToken).ConfigureAwait(false);
        if (stored is null || answer is null) return Problems.NotFound("No report with this id was sent to this agency.");

        LogAcknowledged(logger, answer.ReportId, agency, answer.Disposition);
        return created ? TypedResults.Created((string?)null, answer) : TypedResults.Ok(answer);
    }

    private static AcknowledgementResponse Answer(string reportId, Acknowledgement a) =>
        new(reportId, a.Agency, a.Disposition, a.AcknowledgedAt, a.UpdatedAt, a.Question, a.DuplicateOf, a.Reason);

    /// <summary>The body's rules: a known disposition, with its question, the report it duplicates, or its reason, and nothing else.</summary>
    private static Dictionary<string, string[]> Check(AcknowledgementRequest a)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (a.ReportId is null || !ReportIds.IsValid(a.ReportId)) errors["reportId"] = ["A report id (32 lower-case hex characters)."];
        if (a.Disposition is null || !Dispositions.All.Contains(a.Disposition)) errors["disposition"] = [$"One of: {string.Join(", ", Dispositions.All)}."];
        void Text(string field, string? value, bool required)
        {
            if (required && string.IsNullOrWhiteSpace(value)) errors[field] = [$"Required with {a.Disposition}."];
            else if (!required && value is not null) errors[field] = [$"Only with {FieldOwner(field)}."];
            else if (value is { Length: > MaxText }) errors[field] = [$"At most {MaxText} characters."];
            else if (value is not null && value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) errors[field] = ["No control characters."];
        }
        Text("question", a.Question, a.Disposition == Dispositions.NeedsMoreInformation);
        Text("reason", a.Reason, a.Disposition == Dispositions.NotRelevant);
        if (a.Disposition == Dispositions.DuplicateOf ? a.DuplicateOf is null || !ReportIds.IsValid(a.DuplicateOf) || a.DuplicateOf == a.ReportId : a.DuplicateOf is not null)
            errors["duplicateOf"] = [a.Disposition == Dispositions.DuplicateOf ? "Another report's id." : "Only with duplicate-of."];
        return errors;
    }

    private static string FieldOwner(string field) => field == "question" ? Dispositions.NeedsMoreInformation : Dispositions.NotRelevant;

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} acknowledged by {Agency}: {Disposition}")]
    private static partial void LogAcknowledged(ILogger logger, string reportId, string agency, string disposition);
}
