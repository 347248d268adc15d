namespace ElectionFunctions.Intake;

/// <summary>The native partner body (API.md, schemaVersion 1.0), also the normalised form of a report.</summary>
public sealed record ReportSubmission
{
    public string? SchemaVersion { get; init; }
    public string? ElectionId { get; init; }
    public bool? FederalContest { get; init; }
    public string? Title { get; init; }
    public string? Narrative { get; init; }
    public DateTimeOffset? ObservedAt { get; init; }
    public Jurisdiction? Jurisdiction { get; init; }
    public string? Tlp { get; init; }
    public IReadOnlyList<string>? Recipients { get; init; }
    public IReadOnlyList<string>? TargetedSystems { get; init; }
    public IReadOnlyList<string>? Effects { get; init; }
    public IReadOnlyList<string>? SuspectedForeignGovernments { get; init; }
    public IReadOnlyList<NamedActor>? NamedActors { get; init; }
    public IReadOnlyList<Indicator>? Indicators { get; init; }
    public Contact? Contact { get; init; }
    public string? PartnerReference { get; init; }
}

public sealed record Jurisdiction(string? State, string? CountyFips);

public sealed record NamedActor(string? Name, string? Kind, string? Country, string? Role);

public sealed record Indicator(string? Type, string? Value);

public sealed record Contact(string? Name, string? Email, string? Phone);

/// <summary>
/// The answer to a submission; a retried idempotent request gets the same bytes. <c>duplicateOf</c>: an identical body sent
/// again without a key. <c>ignoredTypes</c>: STIX object types kept in the evidence but not mapped.
/// </summary>
public sealed record SubmitResponse(string ReportId, string Status, string StatusUrl, string Sha256, string? DuplicateOf, IReadOnlyList<string>? IgnoredTypes = null);

/// <summary>The answer to a STIX bundle holding several report objects: one entry per report, in the bundle's order.</summary>
public sealed record SubmitManyResponse(IReadOnlyList<SubmitResponse> Reports, IReadOnlyList<string>? IgnoredTypes);

/// <summary>What GET /api/reports/{id} answers (API.md).</summary>
public sealed record ReportStatusResponse(
    string ReportId,
    string Status,
    DateTimeOffset ReceivedAt,
    string Sha256,
    string? ElectionId,
    string Tlp,
    string? TlpSource,
    IReadOnlyList<string> Categories,
    string? Severity,
    IReadOnlyList<Reason> Reasons,
    IReadOnlyList<AgencyStatus> Routing,
    string? FailureReason)
{
    /// <summary>A follow-up: the report it answers. The amended report: its follow-ups.</summary>
    public string? AmendmentOf { get; init; }
    public IReadOnlyList<string>? Amendments { get; init; }
}
