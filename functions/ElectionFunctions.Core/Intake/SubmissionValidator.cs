using System.Text.Json;
using ElectionFunctions.Reporting;

namespace ElectionFunctions.Intake;

/// <summary>What a check decided: valid, invalid (with errors), or that it cannot say and the full path must.</summary>
public enum Verdict { Valid, Invalid, Undecided }

/// <summary>A validated, normalised report, or the errors by field (RFC 9457 <c>errors</c> map), or <see cref="Undecided"/>.</summary>
public sealed record Validated(StoredReport? Report, Dictionary<string, string[]> Errors)
{
    /// <summary>The one-pass reader could not take the body: parse it in full, which names what is wrong.</summary>
    public static readonly Validated Undecided = new(null, []);

    public Verdict Verdict => Report is not null ? Verdict.Valid : Errors.Count > 0 ? Verdict.Invalid : Verdict.Undecided;

    /// <summary>How the report's TLP was read (a native field, a default, or a STIX marking), with any marking read as RED.</summary>
    public TlpReading? Tlp { get; init; }

    /// <summary>What intake decided and why (a marking read as RED, no election): kept in the report's intake reasons.</summary>
    public IReadOnlyList<Reason> Reasons { get; init; } = [];

    /// <summary>The STIX object a mapped report came from (its report, or the bundle); null for a native body.</summary>
    public string? Source { get; init; }

    /// <summary>A mapped report's STIX identity (StixBundleMapper.Mapped.Identity); null for a native body.</summary>
    public string? Identity { get; init; }
}

/// <summary>
/// The contract check: the JSON Schema (docs/schemas/report-v1.json), then the rules a schema cannot
/// make: observedAt not in the future beyond clock skew, electionId known or inferable, recipients
/// only on TLP:RED, countyFips inside the state. Normalises defaults (tlp AMBER, federalContest true).
/// </summary>
public sealed class SubmissionValidator(ReportSchema schema, ElectionsOptions elections, IntakeOptions intake, TimeProvider time)
{
    /// <summary>
    /// A native body as sent, checked in one pass when the reader takes it (most valid bodies); otherwise
    /// <see cref="Validated.Undecided"/>, and the caller parses the body (naming a JSON error) and calls
    /// <see cref="Validate(JsonElement)"/>, which names the schema's errors.
    /// </summary>
    public Validated ValidateInOnePass(ReadOnlySpan<byte> body) => schema.TryRead(body) is { } report ? Check(report, "") : Validated.Undecided;

    /// <summary>A native body, already parsed (depth, duplicates and UTF-8 checked by the reader).</summary>
    public Validated Validate(JsonElement body)
    {
        var errors = schema.Evaluate(body);
        if (errors.Count > 0) return Failed(errors);
        ReportSubmission report;
        try
        {
            report = body.Deserialize(ElectionJsonContext.Default.ReportSubmission)!;
        }
        catch (JsonException e)
        {
            // The schema and the model disagree on a value (e.g. a date-time .NET cannot represent).
            return Failed(new() { [e.Path?.TrimStart('$', '.') is { Length: > 0 } p ? p : "$"] = ["Invalid value."] });
        }
        return Check(report, "");
    }

    /// <summary>
    /// A report mapped from STIX 2.1; error keys start with <paramref name="source"/>. A partner's tool sends what it has,
    /// so a report no federal election's window holds is kept, out of scope (<see cref="Elections.None"/>), not refused.
    /// </summary>
    public Validated ValidateMapped(ReportSubmission report, string source, TlpReading? tlp = null)
    {
        var errors = schema.Evaluate(JsonSerializer.SerializeToElement(report, ElectionJsonContext.Default.ReportSubmission));
        if (errors.Count > 0) return Failed(errors.ToDictionary(e => $"{source}: {e.Key}", e => e.Value, StringComparer.Ordinal));
        return Check(report, source + ": ", tlp, noElection: true) with { Source = source };
    }

    private Validated Check(ReportSubmission body, string prefix, TlpReading? tlpReading = null, bool noElection = false)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message) => (errors.TryGetValue(prefix + field, out var l) ? l : errors[prefix + field] = []).Add(message);
        var reasons = new List<Reason>();

        if (body.ObservedAt > time.GetUtcNow() + intake.ClockSkew) Add("observedAt", "Must not be in the future.");

        tlpReading ??= TlpMarkings.Native(body.Tlp);
        var tlp = tlpReading.Tlp;
        if (body.Recipients is { Count: > 0 } && tlp != "RED") Add("recipients", "Only a TLP:RED report names recipients.");

        if (body.Jurisdiction is { State: { } state, CountyFips: { } county } && Vocabulary.StateFips.TryGetValue(state, out var fips) && !county.StartsWith(fips, StringComparison.Ordinal))
            Add("jurisdiction.countyFips", $"Not a county of {state} (its county codes start with {fips}).");

        var electionId = body.ElectionId;
        if (electionId is not null && elections.Find(electionId) is null)
            Add("electionId", "Unknown election; omit it to have it inferred from observedAt.");
        else if (electionId is null && body.ObservedAt is { } observed)
        {
            electionId = elections.ForObservation(observed)?.Id;
            if (electionId is null && noElection)
            {
                electionId = Elections.None;
                reasons.Add(new(Elections.NoneRule, $"no federal election's window holds observedAt {observed:yyyy-MM-dd}; kept, out of scope"));
            }
            else if (electionId is null) Add("electionId", "No federal election's window holds observedAt; name the election.");
        }

        // Each indicator checked and written one way; values equal after that are one indicator.
        var count = body.Indicators?.Count ?? 0;
        var indicators = new List<Indicator>(count);
        var seen = count > 1 ? new HashSet<(string, string)>() : null;
        for (var i = 0; i < count; i++)
        {
            var (type, raw) = (body.Indicators![i].Type!, body.Indicators[i].Value!);
            var (value, error) = IndicatorValues.Normalise(type, raw);
            if (value is null) Add($"indicators[{i}].value", error!);
            else if (seen?.Add((type, value)) ?? true) indicators.Add(value == raw ? body.Indicators[i] : new Indicator(type, value));
        }

        if (errors.Count > 0) return Failed(errors);
        return new Validated(StoredReport.From(body, electionId!, tlp, indicators), []) { Tlp = tlpReading, Reasons = [.. tlpReading.Reasons, .. reasons] };
    }

    private static Validated Failed(Dictionary<string, List<string>> errors) =>
        new(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
