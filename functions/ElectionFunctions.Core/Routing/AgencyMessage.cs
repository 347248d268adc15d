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
    ReportSubmission Report,
    IReadOnlyList<Indicator> Indicators,
    string Sha256,
    string BlobPath,
    DateTimeOffset ReceivedAt)
{
    public const string Subject = "election-interference-report";

    /// <summary>Victim notification is DHS's and DOJ's job; nobody else gets contact details.</summary>
    public static AgencyMessage For(string agency, ReportDocument report, IReadOnlyList<Reason> routingReasons)
    {
        var classification = report.Classification ?? throw new InvalidOperationException($"Report {report.Id} is not classified.");
        var normalised = agency is "dhs" or "doj" ? report.Report : report.Report with { Contact = null };
        return new AgencyMessage(
            "1.0", $"{report.Id}:{agency}", agency, report.Id, report.ElectionId, classification.Categories,
            classification.Severity, report.Tlp, [.. classification.Reasons, .. routingReasons], normalised,
            ReportIndicators.All(report), report.Sha256, report.BlobPath, report.ReceivedAt);
    }
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
