namespace ElectionFunctions.Reporting;

/// <summary>
/// package.json, schemaVersion 1.0 (docs/schemas/package-v1.json): the aggregates of the 45-day package.
/// Per-report rows (every supporting report id) are in the CSV tables beside it.
/// </summary>
public sealed record ElectionPackage(
    string SchemaVersion,
    string ElectionId,
    DateOnly ElectionDate,
    DateOnly DueDate,
    string Version,
    string Kind,
    DateTimeOffset? ReceivedFrom,
    DateTimeOffset ReceivedThrough,
    int Reports,
    int RedReports,
    // The strictest TLP of what the package shows (TLP:RED content is never shown, so at most AMBER+STRICT).
    string Tlp,
    SectionA SectionA,
    SectionB SectionB,
    SectionC SectionC,
    SectionD SectionD);

/// <summary>Sec. 1(a): per suspected foreign government, the nature (categories), methods (targets, effects) and persons.</summary>
/// <remarks>
/// Incidents: the shown reports linked by shared correlation keys (the largest <see cref="PackageIncidents.Listed"/>), and
/// how many there are. TLP:RED reports are in none.
/// </remarks>
public sealed record SectionA(IReadOnlyList<GovernmentEntry> Governments, IReadOnlyList<IncidentEntry> Incidents, int IncidentCount);

/// <summary>A government's non-RED reports: TLP:RED reports are only the package's total (<see cref="ElectionPackage.RedReports"/>) and ids.</summary>
public sealed record GovernmentEntry(
    string Country,
    int Reports,
    IReadOnlyDictionary<string, int> Categories,
    IReadOnlyDictionary<string, int> Targets,
    IReadOnlyDictionary<string, int> Effects,
    // The most mentioned persons (PackageAggregator.PersonsPerGovernment) of PersonMentions; counts are the data's when
    // PersonsExact (else within PersonMentions / 400). Every one is in section-a.csv.
    IReadOnlyList<PersonEntry> Persons,
    int PersonMentions,
    bool PersonsExact);

public sealed record PersonEntry(string Name, string Kind, string? Country, string Role, int Reports);

/// <summary>Sec. 1(b): (i) election infrastructure by state and system with material effects; (ii) political organizations and campaigns.</summary>
public sealed record SectionB(IReadOnlyList<InfrastructureEntry> Infrastructure, IReadOnlyList<InfrastructureEntry> Campaigns);

public sealed record InfrastructureEntry(string State, string System, int Reports, IReadOnlyDictionary<string, int> MaterialEffects);

/// <summary>Sec. 2: named foreign persons and entities for Treasury, with their role under the order.</summary>
/// <remarks>The most mentioned referrals (PackageAggregator.Referrals), with the total of mentions; every one is in section-c.csv.</remarks>
public sealed record SectionC(IReadOnlyList<ReferralEntry> Referrals, int ReferralMentions, bool ReferralsExact);

public sealed record ReferralEntry(string Name, string Kind, string Country, string Role, string Basis, int Reports);

/// <summary>Statistics.</summary>
public sealed record SectionD(
    IReadOnlyDictionary<string, int> ByCategory,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyDictionary<string, int> ByAgency,
    IReadOnlyDictionary<string, int> ByTlp,
    IReadOnlyDictionary<string, int> BySeverity,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ReceivedPerDayByCategory,
    Durations IntakeToRouting,
    int Failed)
{
    /// <summary>Seconds from a report's sending to its agency's first acknowledgement, per agency and severity (issue 20).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Durations>> TimeToAcknowledge { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, Durations>>();
    /// <summary>Agencies' questions (needs-more-information) no follow-up has answered since: the first <see cref="PackageAggregator.OpenQuestionsListed"/>, and how many.</summary>
    public IReadOnlyList<OpenQuestion> OpenQuestions { get; init; } = [];
    public int OpenQuestionCount { get; init; }
    /// <summary>Follow-ups received (partners' answers): in the total of reports, in no breakdown (they repeat the report they answer).</summary>
    public int FollowUps { get; init; }
}

/// <summary>A question an agency asked a partner that is still open (TLP:RED reports are in no package breakdown).</summary>
public sealed record OpenQuestion(string ReportId, string Agency, DateTimeOffset AskedAt, string Question);

/// <summary>Seconds from intake to routing: percentiles from a fixed logarithmic histogram (constant memory; within 2% of the exact value).</summary>
public sealed record Durations(int Count, double? P50, double? P95, double? P99, double? Max);

/// <summary>
/// manifest.json, the version's commit point: written last and create-only. A version folder without it is a compile
/// that stopped; its files are not the package and the next compile of that version replaces them.
/// </summary>
public sealed record PackageManifest(string ElectionId, string Version, string Kind, DateTimeOffset? From, DateTimeOffset Through, int Reports,
    string Tlp, IReadOnlyList<PackageFile> Files);

public sealed record PackageFile(string Name, string Sha256, long Bytes);

/// <summary>What a compile answers: where the package is and what it counted.</summary>
public sealed record PackageResult(string ElectionId, string Version, string Kind, int Reports, string Path, IReadOnlyList<PackageFile> Files);
