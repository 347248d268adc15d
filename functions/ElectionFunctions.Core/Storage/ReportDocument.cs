using System.Text.Json.Serialization;
using ElectionFunctions.Intake;

namespace ElectionFunctions;

/// <summary>One report in Cosmos DB, container <c>reports</c>, partition key <c>/id</c>.</summary>
public sealed record ReportDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }
    public required string PartnerId { get; init; }
    public PartnerInfo? Partner { get; init; }
    public string? IdempotencyKey { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string Sha256 { get; init; }
    public required string BlobPath { get; init; }
    public required string ContentType { get; init; }
    public string? ElectionId { get; init; }
    public required string Tlp { get; init; }
    /// <summary>What the TLP was read from: the native field, the default, or a STIX marking and the object it is on.</summary>
    public string? TlpSource { get; init; }
    /// <summary>Decisions taken at intake (a marking read as RED), shown before classification's.</summary>
    public IReadOnlyList<Reason> IntakeReasons { get; init; } = [];
    public required StoredReport Report { get; init; }
    public ClassificationResult? Classification { get; init; }
    public IReadOnlyList<AgencyRouting> Routing { get; init; } = [];
    public IReadOnlyList<Reason> RoutingReasons { get; init; } = [];
    public DateTimeOffset? RoutedAt { get; init; }
    /// <summary>The last processing error (stage and exception type; the message is in the logs), for operators.</summary>
    public string? LastError { get; init; }
    public string? FailureReason { get; init; }

    /// <summary>Each agency's acknowledgement (issue 20), one per agency.</summary>
    public IReadOnlyList<Acknowledgements.Acknowledgement> Acknowledgements { get; init; } = [];
    /// <summary>
    /// When the next overdue alert falls due: the earliest, over agencies sent it that have neither acknowledged nor been
    /// alerted about, of its sending plus the severity's time; none when no alert can fall due. The overdue check queries it.
    /// </summary>
    public DateTimeOffset? NextAlertAt { get; init; }
    /// <summary>Agencies an operator was alerted about (unacknowledged past the severity's time), each once.</summary>
    public IReadOnlyList<string> OverdueAlerts { get; init; } = [];
    /// <summary>A follow-up: the report it amends; it is routed to the agencies that report was sent to (<see cref="RouteTo"/>).</summary>
    public string? AmendmentOf { get; init; }
    public IReadOnlyList<string>? RouteTo { get; init; }
    /// <summary>On the amended report: its follow-ups, in order.</summary>
    public IReadOnlyList<FollowUp> Amendments { get; init; } = [];
}

/// <summary>Every indicator of a report: the submitted ones, then those classification found in the narrative.</summary>
public static class ReportIndicators
{
    public static IReadOnlyList<Indicator> All(ReportDocument document)
    {
        // Documents classified before the narrative's indicators were kept apart hold the submitted ones in both lists.
        var seen = new HashSet<Indicator>();
        return [.. (document.Report.Indicators ?? []).Concat(document.Classification?.Indicators ?? []).Where(seen.Add)];
    }
}

public static class ReportStatus
{
    public const string Received = "received";
    public const string Classified = "classified";
    public const string Routed = "routed";
    public const string Failed = "failed";
}

/// <summary>A follow-up a partner sent to a report (its own report id, and when it was received).</summary>
public sealed record FollowUp(string ReportId, DateTimeOffset ReceivedAt);

/// <summary>Why a decision was taken: the rule's id and the field or text that triggered it.</summary>
public sealed record Reason(string Rule, string Evidence);

/// <summary>
/// A classification: categories, severity, the signals routing reads, the reasons, the rules version, and the indicators
/// found in the narrative that were not submitted (the submitted ones are in the report: the document holds each once).
/// </summary>
public sealed record ClassificationResult(
    IReadOnlyList<string> Categories,
    string Severity,
    bool InScope,
    IReadOnlyList<string> Signals,
    IReadOnlyList<Reason> Reasons,
    DateTimeOffset ClassifiedAt,
    string RulesVersion = "",
    IReadOnlyList<Indicator>? Indicators = null)
{
    /// <summary>The keys that link this report to others (Correlation/CorrelationKeys), warning-listed ones left out.</summary>
    public IReadOnlyList<string> CorrelationKeys { get; init; } = [];
}

/// <summary>One agency's delivery. <c>ClaimedBy</c>/<c>ClaimedAt</c>: the attempt sending it now (a lease, so a crashed attempt is taken over).</summary>
public sealed record AgencyRouting(string Agency, string Status, DateTimeOffset? At, string? ClaimedBy = null, DateTimeOffset? ClaimedAt = null);

public static class RoutingStatus
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
}

/// <summary>What a partner sees of one agency's delivery.</summary>
/// <summary>
/// An agency's part of a report, as its partner sees it: sent, and the agency's acknowledgement (its question when it needs
/// more information; a duplicate's other report is not named: it may be another partner's).
/// </summary>
public sealed record AgencyStatus(string Agency, string Status, DateTimeOffset? At,
    DateTimeOffset? AcknowledgedAt = null, string? Disposition = null, string? Question = null, string? Reason = null);

/// <summary>A report as the Election Day Watch reads it: no narrative, no indicators.</summary>
public sealed record WatchRow(
    [property: JsonPropertyName("id")] string Id, DateTimeOffset ReceivedAt, string Status, string Tlp, string? Title, string? State,
    string? Severity, IReadOnlyList<string>? Categories, IReadOnlyList<AgencyRouting>? Routing,
    IReadOnlyList<Acknowledgements.Acknowledgement>? Acknowledgements, string? AmendmentOf);

/// <summary>A report a stage stopped on, as the reconciliation query projects it.</summary>
public sealed record StuckReport([property: JsonPropertyName("id")] string Id, string Status);

/// <summary>
/// The only content of an internal queue message: handlers read the rest from Cosmos. <c>TraceParent</c>: the
/// W3C trace context of the stage that sent it, so the next stage continues the same trace.
/// </summary>
public sealed record ReportMessage(string ReportId, [property: JsonPropertyName("traceparent")] string? TraceParent = null);
