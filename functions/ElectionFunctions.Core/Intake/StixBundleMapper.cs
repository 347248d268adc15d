// Over 200 lines: one mapping from a bundle to a report, field by field as docs/stix-mapping.md lists them; issue 19 reshapes it.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ElectionFunctions.Intake;

/// <summary>
/// Maps a STIX 2.1 bundle holding one <c>report</c> to the native model (docs/stix-mapping.md). The bundle
/// itself is kept as the raw evidence; what cannot be used is answered 422 naming the object and why.
/// The service does not load the OASIS schemas (the tests do); what it needs of the structure, and the rules
/// those schemas cannot express (modified ≥ created, references), is checked here.
/// </summary>
public sealed partial class StixBundleMapper
{
    public const string MediaType = "application/stix+json";
    public const string Prefix = "x_electionfunctions_";

    public sealed record Mapped(ReportSubmission? Report, string Source, Dictionary<string, string[]> Errors)
    {
        /// <summary>How the TLP was read from the bundle's markings.</summary>
        public TlpReading? Tlp { get; init; }
    }

    public Mapped Map(JsonElement bundle)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string where, string why) => (errors.TryGetValue(where, out var l) ? l : errors[where] = []).Add(why);
        Mapped Fail(string source) => new(null, source, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

        if (bundle.ValueKind != JsonValueKind.Object || Text(bundle, "type") != "bundle")
        {
            Add("bundle", "The body must be a STIX 2.1 bundle (\"type\": \"bundle\").");
            return Fail("bundle");
        }
        if (Text(bundle, "id") is not { } bundleId || !IsIdentifier(bundleId, "bundle")) Add("bundle.id", "Must be bundle--<UUID>.");
        if (!bundle.TryGetProperty("objects", out var objectsElement) || objectsElement.ValueKind != JsonValueKind.Array || objectsElement.GetArrayLength() == 0)
        {
            Add("bundle.objects", "Must be a non-empty array of STIX objects.");
            return Fail("bundle");
        }

        var objects = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var index = 0;
        foreach (var o in objectsElement.EnumerateArray())
        {
            var where = $"objects[{index++}]";
            var type = o.ValueKind == JsonValueKind.Object ? Text(o, "type") : null;
            var id = o.ValueKind == JsonValueKind.Object ? Text(o, "id") : null;
            if (type is null || id is null || !IsIdentifier(id, type))
            {
                Add(where, "Each object needs a type and an id of the form <type>--<UUID>.");
                continue;
            }
            where = $"{where} ({id})";
            if (!objects.TryAdd(id, o)) Add(where, "The bundle holds this id twice.");
            if (type is not "marking-definition" && Text(o, "spec_version") != "2.1") Add(where, "spec_version must be \"2.1\".");
            if (Time(o, "created") is { } created && Time(o, "modified") is { } modified && modified < created)
                Add(where, "modified is earlier than created.");
        }

        var reports = objects.Values.Where(o => Text(o, "type") == "report").ToList();
        if (reports.Count != 1)
        {
            Add("bundle.objects", $"Must hold exactly one report object (found {reports.Count}).");
            return Fail("bundle");
        }
        var report = reports[0];
        var source = Text(report, "id")!;
        if (errors.Count > 0) return Fail(source);

        var refs = Strings(report, "object_refs");
        foreach (var r in refs.Where(r => !objects.ContainsKey(r))) Add($"{source}.object_refs", $"References {r}, which is not in the bundle.");
        // MISP writes its event without a description, and the analysts' words on its attributes: those make the narrative then.
        var narrative = Text(report, "description") is { Length: > 0 } description ? description
            : string.Join("\n\n", refs.Select(r => objects.GetValueOrDefault(r)).Where(o => o.ValueKind == JsonValueKind.Object)
                .Select(o => Text(o, "description")).Where(d => d is { Length: > 0 }));
        if (narrative.Length == 0) Add($"{source}.description", "Required: the report's description, or descriptions on the objects it references, make its narrative.");
        if (Time(report, "published") is null) Add($"{source}.published", "Required (a STIX timestamp).");

        if (errors.Count > 0) return Fail(source);
        var tlp = TlpMarkings.Read(objects);

        // Each actor's first located-at / originates-from location with a country: one pass over the relationships.
        var countries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in objects.Values)
        {
            if (Text(r, "type") != "relationship" || Text(r, "relationship_type") is not ("located-at" or "originates-from")) continue;
            if (Text(r, "source_ref") is { } from && !countries.ContainsKey(from)
                && objects.GetValueOrDefault(Text(r, "target_ref") ?? "") is { ValueKind: JsonValueKind.Object } location
                && Text(location, "country") is { } country)
                countries[from] = country.ToUpperInvariant();
        }
        string? CountryOf(string actorId) => countries.GetValueOrDefault(actorId);

        var actors = new List<NamedActor>();
        var governments = new SortedSet<string>(Strings(report, Prefix + "suspected_foreign_governments"), StringComparer.Ordinal);
        foreach (var o in objects.Values)
        {
            var id = Text(o, "id")!;
            switch (Text(o, "type"))
            {
                case "threat-actor":
                {
                    var country = CountryOf(id);
                    var person = Text(o, "resource_level") == "individual" || Strings(o, "threat_actor_types").Contains("lone-wolf");
                    actors.Add(new NamedActor(Text(o, "name"), person ? "person" : "organization", country, Text(o, Prefix + "role") ?? "engaged"));
                    if (country is not null and not "US" && Strings(o, "threat_actor_types").Contains("nation-state")) governments.Add(country);
                    break;
                }
                case "intrusion-set":
                {
                    var country = CountryOf(id);
                    actors.Add(new NamedActor(Text(o, "name"), "organization", country, Text(o, Prefix + "role") ?? "engaged"));
                    if (country is not null and not "US") governments.Add(country);
                    break;
                }
                case "identity" when id != Text(report, "created_by_ref") && Text(o, Prefix + "role") is { } role:
                    actors.Add(new NamedActor(Text(o, "name"), Text(o, "identity_class") == "individual" ? "person" : "organization", CountryOf(id), role));
                    break;
            }
        }

        Jurisdiction? jurisdiction = null;
        foreach (var location in refs.Select(r => objects[r]).Where(o => Text(o, "type") == "location" && Text(o, "country")?.ToUpperInvariant() == "US"))
        {
            var area = Text(location, "administrative_area")?.ToUpperInvariant();
            if (area is null) continue;
            jurisdiction = new Jurisdiction(area.StartsWith("US-", StringComparison.Ordinal) ? area[3..] : area, Text(location, Prefix + "county_fips"));
            break;
        }

        // Linear in the patterns: values are checked, written one way (IndicatorValues) and de-duplicated by a set.
        var indicators = new List<Indicator>();
        var seen = new HashSet<(string, string)>();
        foreach (var o in objects.Values.Where(o => Text(o, "type") == "indicator" && Text(o, "pattern_type") == "stix"))
        {
            foreach (Match m in Comparison().Matches(Text(o, "pattern") ?? ""))
            {
                var raw = m.Groups["value"].Value.Replace("\\'", "'").Replace("\\\\", "\\");
                var type = m.Groups["object"].Value switch
                {
                    "ipv4-addr" => "ipv4",
                    "ipv6-addr" => "ipv6",
                    "domain-name" => "domain",
                    "url" => "url",
                    "email-addr" => "email",
                    "user-account" => "social-account",
                    _ => "sha256",
                };
                var (value, error) = IndicatorValues.Normalise(type, raw);
                if (value is null) Add($"{Text(o, "id")}.pattern", $"{m.Groups["object"].Value}: {error}");
                else if (seen.Add((type, value))) indicators.Add(new Indicator(type, value));
            }
        }
        if (errors.Count > 0) return Fail(source);

        Contact? contact = null;
        if (Text(report, "created_by_ref") is { } creator && objects.TryGetValue(creator, out var identity))
        {
            var info = Text(identity, "contact_information");
            contact = new Contact(Text(identity, "name"), info is not null && EmailLike().Match(info) is { Success: true } e ? e.Value : null, null);
        }

        var externalId = report.TryGetProperty("external_references", out var ext) && ext.ValueKind == JsonValueKind.Array
            ? ext.EnumerateArray().Select(x => Text(x, "external_id")).FirstOrDefault(x => x is not null)
            : null;

        var federal = report.TryGetProperty(Prefix + "federal_contest", out var f) && f.ValueKind is JsonValueKind.True or JsonValueKind.False ? f.GetBoolean() : (bool?)null;
        return new Mapped(new ReportSubmission
        {
            SchemaVersion = "1.0",
            ElectionId = Text(report, Prefix + "election_id"),
            FederalContest = federal,
            Title = Text(report, "name"),
            Narrative = narrative,
            ObservedAt = Time(report, "published"),
            Jurisdiction = jurisdiction,
            Tlp = tlp.Tlp,
            Recipients = NullIfEmpty(Strings(report, Prefix + "recipients")),
            TargetedSystems = NullIfEmpty(Strings(report, Prefix + "targeted_systems")),
            Effects = NullIfEmpty(Strings(report, Prefix + "effects")),
            SuspectedForeignGovernments = governments.Count > 0 ? [.. governments] : null,
            NamedActors = actors.Count > 0 ? actors : null,
            Indicators = indicators.Count > 0 ? indicators : null,
            Contact = contact is { Name: null, Email: null } ? null : contact,
            PartnerReference = externalId ?? source,
        }, source, []) { Tlp = tlp };
    }

    // Any element may be of the wrong kind (an external reference that is a string): never an exception, so never a 500.
    private static string? Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string> Strings(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    private static List<string>? NullIfEmpty(List<string> values) => values.Count > 0 ? values : null;

    private static DateTimeOffset? Time(JsonElement o, string name) =>
        Text(o, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static bool IsIdentifier(string id, string type) =>
        id.StartsWith(type + "--", StringComparison.Ordinal) && Guid.TryParseExact(id[(type.Length + 2)..], "D", out _);

    [GeneratedRegex(@"(?<object>ipv4-addr|ipv6-addr|domain-name|url|email-addr):value\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'|(?<object>user-account):account_login\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'|(?<object>file):hashes\.(?:'SHA-256'|SHA256|'SHA256')\s*=\s*'(?<value>[0-9A-Fa-f]{64})'")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"[^\s@<>""]+@[^\s@<>""]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailLike();
}
