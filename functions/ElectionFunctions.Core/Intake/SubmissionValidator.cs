using ElectionFunctions.Reporting;

namespace ElectionFunctions.Intake;

/// <summary>
/// The checks of the native body: required fields, vocabularies and the rules a schema cannot make.
/// Returns the normalised report (defaults applied, electionId inferred) or the errors by field.
/// </summary>
public sealed class SubmissionValidator(ElectionsOptions elections, IntakeOptions intake, TimeProvider time)
{
    public const int MaxTitleLength = 300;
    public const int MaxNarrativeLength = 200_000;

    public (ReportSubmission? Report, Dictionary<string, string[]> Errors) Validate(ReportSubmission body)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (body.SchemaVersion is null) Add("schemaVersion", "Required.");
        else if (body.SchemaVersion != "1.0") Add("schemaVersion", "Must be \"1.0\".");

        if (string.IsNullOrWhiteSpace(body.Title)) Add("title", "Required.");
        else if (body.Title.Length > MaxTitleLength) Add("title", $"At most {MaxTitleLength} characters.");

        if (string.IsNullOrWhiteSpace(body.Narrative)) Add("narrative", "Required.");
        else if (body.Narrative.Length > MaxNarrativeLength) Add("narrative", $"At most {MaxNarrativeLength} characters.");

        if (body.ObservedAt is null) Add("observedAt", "Required (RFC 3339 date-time).");
        else if (body.ObservedAt > time.GetUtcNow() + intake.ClockSkew) Add("observedAt", "Must not be in the future.");

        var tlp = body.Tlp ?? Vocabulary.DefaultTlp;
        if (!Vocabulary.Tlp.Contains(tlp)) Add("tlp", Allowed(Vocabulary.Tlp));

        CheckAll(body.Recipients, "recipients", Vocabulary.Agencies, Add);
        if (body.Recipients is { Count: > 0 } && tlp != "RED") Add("recipients", "Only a TLP:RED report names recipients.");
        CheckAll(body.TargetedSystems, "targetedSystems", Vocabulary.TargetedSystems, Add);
        CheckAll(body.Effects, "effects", Vocabulary.Effects, Add);

        for (var i = 0; i < (body.SuspectedForeignGovernments?.Count ?? 0); i++)
        {
            if (!IsCountryCode(body.SuspectedForeignGovernments![i])) Add($"suspectedForeignGovernments[{i}]", "ISO 3166-1 alpha-2 code expected.");
        }

        for (var i = 0; i < (body.NamedActors?.Count ?? 0); i++)
        {
            var actor = body.NamedActors![i];
            if (actor is null) { Add($"namedActors[{i}]", "Must be an object."); continue; }
            if (string.IsNullOrWhiteSpace(actor.Name)) Add($"namedActors[{i}].name", "Required.");
            if (actor.Kind is null || !Vocabulary.ActorKinds.Contains(actor.Kind)) Add($"namedActors[{i}].kind", Allowed(Vocabulary.ActorKinds));
            if (actor.Role is not null && !Vocabulary.ActorRoles.Contains(actor.Role)) Add($"namedActors[{i}].role", Allowed(Vocabulary.ActorRoles));
            if (actor.Country is not null && !IsCountryCode(actor.Country)) Add($"namedActors[{i}].country", "ISO 3166-1 alpha-2 code expected.");
        }

        for (var i = 0; i < (body.Indicators?.Count ?? 0); i++)
        {
            var indicator = body.Indicators![i];
            if (indicator is null) { Add($"indicators[{i}]", "Must be an object."); continue; }
            if (indicator.Type is null || !Vocabulary.IndicatorTypes.Contains(indicator.Type)) Add($"indicators[{i}].type", Allowed(Vocabulary.IndicatorTypes));
            if (string.IsNullOrWhiteSpace(indicator.Value)) Add($"indicators[{i}].value", "Required.");
        }

        if (body.Jurisdiction is { } j)
        {
            if (j.State is null || !Vocabulary.States.Contains(j.State)) Add("jurisdiction.state", "USPS state code expected.");
            if (j.CountyFips is not null && (j.CountyFips.Length != 5 || !j.CountyFips.All(char.IsAsciiDigit)))
                Add("jurisdiction.countyFips", "Five-digit county FIPS code expected.");
        }

        var electionId = body.ElectionId;
        if (electionId is not null && elections.Find(electionId) is null)
            Add("electionId", "Unknown election; omit it to have it inferred from observedAt.");
        else if (electionId is null && body.ObservedAt is { } observed)
        {
            electionId = elections.ForObservation(observed)?.Id;
            if (electionId is null) Add("electionId", "No federal election window holds observedAt; name the election.");
        }

        if (errors.Count > 0)
            return (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

        return (body with
        {
            ElectionId = electionId,
            FederalContest = body.FederalContest ?? true,
            Tlp = tlp,
            Recipients = body.Recipients ?? [],
            TargetedSystems = body.TargetedSystems ?? [],
            Effects = body.Effects ?? [],
            SuspectedForeignGovernments = body.SuspectedForeignGovernments ?? [],
            NamedActors = body.NamedActors ?? [],
            Indicators = body.Indicators ?? [],
        }, []);
    }

    private static void CheckAll(IReadOnlyList<string>? values, string field, IReadOnlySet<string> allowed, Action<string, string> add)
    {
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (values![i] is null || !allowed.Contains(values[i])) add($"{field}[{i}]", Allowed(allowed));
        }
    }

    private static string Allowed(IReadOnlySet<string> allowed) => "Allowed: " + string.Join(", ", allowed) + ".";

    private static bool IsCountryCode(string? code) => code is { Length: 2 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]);
}
