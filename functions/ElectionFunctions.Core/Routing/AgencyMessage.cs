using ElectionFunctions.Intake;

namespace ElectionFunctions.Routing;

/// <summary>One message per report and agency (API.md, "Agency message").</summary>
public sealed record AgencyMessage(
    string SchemaVersion,
    string MessageId,
    string Agency,
    string ReportId,
    string? ElectionId,
    IReadOnlyList<string> Categories,
    string Severity,
    string Tlp,
    IReadOnlyList<Reason> Reasons,
    AgencyReport Report,
    IReadOnlyList<Indicator> Indicators,
    string Sha256,
    string BlobPath,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<Correlation.RelatedReport> Related,
    string? AmendmentOf = null)
{
    public const string Subject = "election-interference-report";

    /// <summary>Victim notification is DHS's and DOJ's job; nobody else gets contact details.</summary>
    /// <param name="related">Earlier reports sharing a key with this one that this agency also received (Correlation/CorrelationIndex).</param>
    public static AgencyMessage For(string agency, ReportDocument report, IReadOnlyList<Reason> routingReasons, IReadOnlyList<Correlation.RelatedReport>? related = null)
    {
        var classification = report.Classification ?? throw new InvalidOperationException($"Report {report.Id} is not classified.");
        return new AgencyMessage(
            "1.0", $"{report.Id}:{agency}", agency, report.Id, report.ElectionId, classification.Categories,
            classification.Severity, report.Tlp, [.. classification.Reasons, .. routingReasons], AgencyReport.From(report.Report, withContact: agency is "dhs" or "doj"),
            ReportIndicators.All(report), report.Sha256, report.BlobPath, report.ReceivedAt, related ?? [], report.AmendmentOf);
    }
}

/// <summary>
/// The report as an agency receives it (docs/schemas/agency-message-v1.json, <c>$defs/report</c>): its own record, so a
/// field added to what is stored reaches agencies only when it is added here too.
/// </summary>
public sealed record AgencyReport(
    string SchemaVersion,
    string ElectionId,
    bool FederalContest,
    string Title,
    string Narrative,
    DateTimeOffset ObservedAt,
    Jurisdiction? Jurisdiction,
    string Tlp,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> TargetedSystems,
    IReadOnlyList<string> Effects,
    IReadOnlyList<string> SuspectedForeignGovernments,
    IReadOnlyList<NamedActor> NamedActors,
    IReadOnlyList<Indicator> Indicators,
    Contact? Contact,
    string? PartnerReference)
{
    /// <summary>The one mapping from the stored report; contact details only for the agencies that notify victims.</summary>
    public static AgencyReport From(StoredReport r, bool withContact) => new(
        r.SchemaVersion, r.ElectionId, r.FederalContest, r.Title, r.Narrative, r.ObservedAt, r.Jurisdiction, r.Tlp, r.Recipients,
        r.TargetedSystems, r.Effects, r.SuspectedForeignGovernments, r.NamedActors, r.Indicators, withContact ? r.Contact : null, r.PartnerReference);
}

/// <summary>
/// What goes on the queue instead of an agency message too large for it: the routing essentials and
/// where the full message is (container <c>agency-{agency}</c>, so each agency can be granted its own).
/// </summary>
public sealed record AgencyEnvelope(
    string SchemaVersion,
    string MessageId,
    string Agency,
    string ReportId,
    string? ElectionId,
    IReadOnlyList<string> Categories,
    string Severity,
    string Tlp,
    ClaimCheck ClaimCheck);

public sealed record ClaimCheck(string BlobPath, string Sha256, long Bytes);
