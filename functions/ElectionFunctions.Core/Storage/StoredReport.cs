using ElectionFunctions.Intake;

namespace ElectionFunctions;

/// <summary>
/// The report as kept in Cosmos DB (<see cref="ReportDocument.Report"/>) and read by classification and the package:
/// the partner's fields after validation, with the election inferred, the TLP read, defaults filled and each
/// indicator written one way. The partner's wire contract is <see cref="ReportSubmission"/>, what an agency receives
/// is <see cref="Routing.AgencyReport"/>; <see cref="From"/> is the one way from the first to this.
/// </summary>
public sealed record StoredReport
{
    public required string SchemaVersion { get; init; }
    public required string ElectionId { get; init; }
    public required bool FederalContest { get; init; }
    public required string Title { get; init; }
    public required string Narrative { get; init; }
    public required DateTimeOffset ObservedAt { get; init; }
    public Jurisdiction? Jurisdiction { get; init; }
    public required string Tlp { get; init; }
    public IReadOnlyList<string> Recipients { get; init; } = [];
    public IReadOnlyList<string> TargetedSystems { get; init; } = [];
    public IReadOnlyList<string> Effects { get; init; } = [];
    public IReadOnlyList<string> SuspectedForeignGovernments { get; init; } = [];
    public IReadOnlyList<NamedActor> NamedActors { get; init; } = [];
    public IReadOnlyList<Indicator> Indicators { get; init; } = [];
    public Contact? Contact { get; init; }
    public string? PartnerReference { get; init; }

    /// <summary>A submission that passed the schema and the validator's rules, with what the validator decided.</summary>
    public static StoredReport From(ReportSubmission valid, string electionId, string tlp, IReadOnlyList<Indicator> indicators) => new()
    {
        SchemaVersion = valid.SchemaVersion!,
        ElectionId = electionId,
        FederalContest = valid.FederalContest ?? true,
        Title = valid.Title!,
        Narrative = valid.Narrative!,
        ObservedAt = valid.ObservedAt!.Value,
        Jurisdiction = valid.Jurisdiction,
        Tlp = tlp,
        Recipients = valid.Recipients ?? [],
        TargetedSystems = valid.TargetedSystems ?? [],
        Effects = valid.Effects ?? [],
        SuspectedForeignGovernments = valid.SuspectedForeignGovernments ?? [],
        NamedActors = valid.NamedActors ?? [],
        Indicators = indicators,
        Contact = valid.Contact,
        PartnerReference = valid.PartnerReference,
    };
}
