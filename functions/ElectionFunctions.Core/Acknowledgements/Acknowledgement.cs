using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions.Acknowledgements;

/// <summary>What an agency said about a report it was sent: its disposition, when it first answered, and what it asked or why.</summary>
public sealed record Acknowledgement(
    string Agency,
    string Disposition,
    DateTimeOffset AcknowledgedAt,
    DateTimeOffset UpdatedAt,
    string? Question = null,
    string? DuplicateOf = null,
    string? Reason = null);

/// <summary>The dispositions an agency gives (issue 20).</summary>
public static class Dispositions
{
    public const string Received = "received", Accepted = "accepted", NeedsMoreInformation = "needs-more-information",
        DuplicateOf = "duplicate-of", NotRelevant = "not-relevant";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Received, Accepted, NeedsMoreInformation, DuplicateOf, NotRelevant], StringComparer.Ordinal);
}

/// <summary>POST /api/agencies/{agency}/acknowledgements: the body.</summary>
public sealed record AcknowledgementRequest(string? ReportId, string? Disposition, string? Question, string? DuplicateOf, string? Reason);

/// <summary>The acknowledgement as stored, answered to the agency.</summary>
public sealed record AcknowledgementResponse(string ReportId, string Agency, string Disposition, DateTimeOffset AcknowledgedAt, DateTimeOffset UpdatedAt,
    string? Question, string? DuplicateOf, string? Reason);

/// <summary>Acknowledgements (configuration section <c>Acknowledgements</c>).</summary>
public sealed class AcknowledgementOptions
{
    public const string Section = "Acknowledgements";

    /// <summary>The app setting holding the overdue check's NCRONTAB schedule (every minute by default).</summary>
    public const string ScheduleSetting = "AcknowledgementSchedule";

    /// <summary>
    /// How long a sent report may stay unacknowledged by an agency before an operator is alerted, by severity (critical,
    /// high, moderate, low). A severity not listed takes the longest.
    /// </summary>
    public Dictionary<string, TimeSpan> AlertAfter { get; set; } = new(StringComparer.Ordinal)
    {
        ["critical"] = TimeSpan.FromMinutes(15),
        ["high"] = TimeSpan.FromHours(1),
        ["moderate"] = TimeSpan.FromHours(4),
        ["low"] = TimeSpan.FromHours(24),
    };

    /// <summary>Most reports one run of the overdue check looks at.</summary>
    [Range(1, 100_000)]
    public int MaxPerRun { get; set; } = 1000;

    public TimeSpan AlertAfterFor(string? severity) =>
        severity is not null && AlertAfter.TryGetValue(severity, out var after) ? after : AlertAfter.Values.DefaultIfEmpty(TimeSpan.FromHours(24)).Max();
}
