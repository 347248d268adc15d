// Over 200 lines: one mapping from STIX objects to reports, field by field as docs/stix-mapping.md lists them.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ElectionFunctions.Intake;

/// <summary>Election context a partner sends beside a bundle (headers); the objects' own <c>x_electionfunctions_*</c> properties win.</summary>
public sealed record StixContext(string? ElectionId, bool? FederalContest)
{
    public static readonly StixContext None = new(null, null);

    /// <summary>When the objects were received: the observation time of a composed report whose objects carry none (observables alone).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}

/// <summary>
/// Maps STIX 2.1 objects (a bundle, or a TAXII envelope's objects) to native reports (docs/stix-mapping.md): one per
/// <c>report</c> object, or, when there is none, one composed from what the objects say. The objects themselves are
/// kept as the raw evidence; types the service does not map are named in the answer. What is not valid STIX or
/// cannot make a report is refused, naming the object and why. The service does not load the OASIS schemas (the tests
/// do); what it needs of the structure, and the rules those schemas cannot express (modified ≥ created), is checked here.
/// </summary>
public sealed partial class StixBundleMapper
{
    public const string MediaType = "application/stix+json";
    public const string Prefix = "x_electionfunctions_";

    /// <summary>
    /// One report: what it says, the STIX object it came from (its report, or the bundle), how its TLP was read, and its STIX
    /// identity: the report object's id and version, or (composed) every object's.
    /// </summary>
    public sealed record Mapped(ReportSubmission Report, string Source, TlpReading Tlp, string Identity);

    /// <summary>The reports, the object types left in the evidence only, or the errors (keyed by object).</summary>
    public sealed record Mapping(IReadOnlyList<Mapped> Reports, IReadOnlyList<string> IgnoredTypes, Dictionary<string, string[]> Errors);

    /// <summary>Types whose content reaches a report (a field, or the composed narrative); the rest stay in the evidence.</summary>
    private static readonly HashSet<string> MappedTypes = new(StringComparer.Ordinal)
    {
        "report", "indicator", "threat-actor", "intrusion-set", "identity", "location", "relationship", "campaign", "infrastructure",
        "sighting", "incident", "observed-data", "marking-definition", "malware", "tool", "attack-pattern",
        "domain-name", "ipv4-addr", "ipv6-addr", "url", "email-addr", "file",
    };

    /// <summary>Cyber-observable types: STIX 2.1 lets them omit spec_version.</summary>
    private static readonly HashSet<string> ObservableTypes = new(StringComparer.Ordinal)
    {
        "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message", "file", "ipv4-addr", "ipv6-addr",
        "mac-addr", "mutex", "network-traffic", "process", "software", "url", "user-account", "windows-registry-key", "x509-certificate",
    };

    // The order a composed title and narrative name things in: what happened first, then who, then how.
    private static readonly string[] ComposeOrder =
        ["incident", "campaign", "sighting", "intrusion-set", "threat-actor", "infrastructure", "malware", "tool", "attack-pattern", "indicator", "observed-data"];

    public Mapping Map(JsonElement bundle, StixContext? context = null)
    {
        if (bundle.ValueKind != JsonValueKind.Object || Text(bundle, "type") != "bundle")
            return Refused("bundle", "The body must be a STIX 2.1 bundle (\"type\": \"bundle\").");
        var id = Text(bundle, "id");
        if (id is null || !IsIdentifier(id, "bundle")) return Refused("bundle.id", "Must be bundle--<UUID>.");
        if (!bundle.TryGetProperty("objects", out var objects)) return Refused("bundle.objects", "Must be a non-empty array of STIX objects.");
        return MapObjects(objects, id, context ?? StixContext.None, bundle);
    }

    /// <summary>A TAXII envelope's objects (POST to a collection): the same mapping, the envelope standing for the bundle.</summary>
    public Mapping MapEnvelope(JsonElement envelope, string source, StixContext? context = null) =>
        envelope.ValueKind == JsonValueKind.Object && envelope.TryGetProperty("objects", out var objects)
            ? MapObjects(objects, source, context ?? StixContext.None, envelope)
            : Refused("envelope.objects", "Must be a non-empty array of STIX objects.");

    private Mapping MapObjects(JsonElement objectsElement, string source, StixContext context, JsonElement container)
    {
        if (objectsElement.ValueKind != JsonValueKind.Array || objectsElement.GetArrayLength() == 0)
            return Refused("objects", "Must be a non-empty array of STIX objects.");
        var errors = new Errors();
        var objects = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var index = 0;
        foreach (var o in objectsElement.EnumerateArray())
        {
            var where = $"objects[{index++}]";
            var type = o.ValueKind == JsonValueKind.Object ? Text(o, "type") : null;
            var id = o.ValueKind == JsonValueKind.Object ? Text(o, "id") : null;
            if (type is null || id is null || !IsIdentifier(id, type))
            {
                errors.Add(where, "Each object needs a type and an id of the form <type>--<UUID>.");
                continue;
            }
            where = $"{where} ({id})";
            // Several versions of one object may travel together (STIX 2.1, 3.6): the latest is the one read.
            if (objects.TryGetValue(id, out var other))
            {
                if (Text(other, "modified") == Text(o, "modified")) errors.Add(where, "The bundle holds this id twice in the same version.");
                else if (Time(o, "modified") > Time(other, "modified")) objects[id] = o;
            }
            else objects[id] = o;
            var version = Text(o, "spec_version");
            if (version is null && !ObservableTypes.Contains(type) && type != "marking-definition")
                errors.Add(where, "spec_version is missing: this looks like STIX 2.0; send STIX 2.1 (spec_version \"2.1\" on every object).");
            else if (version is not null and not "2.1") errors.Add(where, $"spec_version \"{version}\" is not supported; send STIX 2.1.");
            if (Time(o, "created") is { } created && Time(o, "modified") is { } modified && modified < created)
                errors.Add(where, "modified is earlier than created.");
        }
        if (errors.Count > 0) return errors.Refusal();

        var tlp = TlpMarkings.Read(objects);
        var ignored = objects.Values.Select(o => Text(o, "type")!).Where(t => !MappedTypes.Contains(t)).Distinct().Order(StringComparer.Ordinal).ToList();
        var reports = objects.Values.Where(o => Text(o, "type") == "report").ToList();
        var mapped = new List<Mapped>();
        if (reports.Count == 0)
        {
            // No report: the objects are one account of one thing, and the report is composed from them.
            var all = objects.Values.ToList();
            if (Compose(all, objects) is not var (title, narrative))
                return Refused("objects", "Nothing to report: no report object, and no object with a name, a description or an observable value.");
            if (MapScope(null, source, title, narrative, all, objects, FirstWith(all, container), context, errors) is { } composed)
                mapped.Add(new(composed with { Tlp = tlp.Tlp }, source, tlp, "objects:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                    Encoding.UTF8.GetBytes(string.Join("\n", all.Select(Version).Order(StringComparer.Ordinal)))))));
        }
        else
        {
            foreach (var report in reports)
            {
                var reportId = Text(report, "id")!;
                // One report in the bundle: the bundle is its account, every object counts. Several: each takes what it references.
                var scope = reports.Count == 1 ? objects.Values.ToList() : Scope(report, objects);
                if (MapReport(report, reportId, scope, objects, container, context, errors) is { } one) mapped.Add(new(one with { Tlp = tlp.Tlp }, reportId, tlp, Version(report)));
            }
        }
        return errors.Count > 0 ? errors.Refusal() : new Mapping(mapped, ignored, []);
    }

    private ReportSubmission? MapReport(JsonElement report, string reportId, List<JsonElement> scope, Dictionary<string, JsonElement> objects,
        JsonElement container, StixContext context, Errors errors)
    {
        var refs = Strings(report, "object_refs");
        var referenced = refs.Select(r => objects.GetValueOrDefault(r)).Where(o => o.ValueKind == JsonValueKind.Object).ToList();
        if (Time(report, "published") is null) errors.Add($"{reportId}.published", "Required (a STIX timestamp).");
        // MISP writes its event without a description: its event info (the report's name) and the analysts' words on its
        // attributes make the narrative then, and a report that says nothing itself is told by the names of what it references.
        var name = Text(report, "name") is { Length: > 0 } n ? n : null;
        // Composed only when the report's own words are missing, and then once for both narrative and title.
        var composed = new Lazy<(string Title, string Narrative)?>(() => Compose(referenced, objects));
        var narrative = Text(report, "description") is { Length: > 0 } description ? description
            : string.Join("\n\n", referenced.Select(o => Text(o, "description")).Where(d => d is { Length: > 0 })) is { Length: > 0 } described ? described
            : composed.Value?.Narrative ?? "";
        if (Text(report, "description") is not { Length: > 0 } && name is not null && narrative.Length > 0) narrative = name + "\n\n" + narrative;
        if (narrative.Length == 0) errors.Add($"{reportId}.description", "Required: the report's description, or names or descriptions on the objects it references, make its narrative.");
        var title = name ?? composed.Value?.Title ?? "STIX report " + reportId;
        if (errors.Count > 0) return null;
        return MapScope(report, reportId, title, narrative, scope, objects, WithFallback(report, container), context, errors);
    }

    /// <summary>The fields every report takes from the objects in its scope (docs/stix-mapping.md, "What is read").</summary>
    private static ReportSubmission? MapScope(JsonElement? report, string source, string title, string narrative, List<JsonElement> scope,
        Dictionary<string, JsonElement> objects, Func<string, JsonElement?> property, StixContext context, Errors errors)
    {
        // Each actor's first located-at / originates-from location with a country: one pass over the relationships.
        var countries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in scope)
        {
            if (Text(r, "type") != "relationship" || Text(r, "relationship_type") is not ("located-at" or "originates-from")) continue;
            if (Text(r, "source_ref") is { } from && !countries.ContainsKey(from)
                && objects.GetValueOrDefault(Text(r, "target_ref") ?? "") is { ValueKind: JsonValueKind.Object } location
                && CountryCode(Text(location, "country")) is { } country)
                countries[from] = country;
        }

        var creator = report is { } rep ? Text(rep, "created_by_ref") : scope.Select(o => Text(o, "created_by_ref")).FirstOrDefault(c => c is not null && objects.ContainsKey(c));
        var actors = new List<NamedActor>();
        var governments = new SortedSet<string>(StringsOf(property(Prefix + "suspected_foreign_governments")), StringComparer.Ordinal);
        foreach (var o in scope)
        {
            var id = Text(o, "id")!;
            switch (Text(o, "type"))
            {
                case "threat-actor":
                {
                    var country = countries.GetValueOrDefault(id);
                    var person = Text(o, "resource_level") == "individual" || Strings(o, "threat_actor_types").Contains("lone-wolf");
                    actors.Add(new NamedActor(Text(o, "name"), person ? "person" : "organization", country, Text(o, Prefix + "role") ?? "engaged"));
                    if (country is not null and not "US" && Strings(o, "threat_actor_types").Contains("nation-state")) governments.Add(country);
                    break;
                }
                case "intrusion-set":
                {
                    var country = countries.GetValueOrDefault(id);
                    actors.Add(new NamedActor(Text(o, "name"), "organization", country, Text(o, Prefix + "role") ?? "engaged"));
                    if (country is not null and not "US") governments.Add(country);
                    break;
                }
                case "identity" when id != creator && Text(o, Prefix + "role") is { } role:
                    actors.Add(new NamedActor(Text(o, "name"), Text(o, "identity_class") == "individual" ? "person" : "organization", countries.GetValueOrDefault(id), role));
                    break;
            }
        }

        Jurisdiction? jurisdiction = null;
        foreach (var location in scope.Where(o => Text(o, "type") == "location" && CountryCode(Text(o, "country")) == "US"))
        {
            var area = Text(location, "administrative_area")?.ToUpperInvariant();
            if (area is null) continue;
            jurisdiction = new Jurisdiction(area.StartsWith("US-", StringComparison.Ordinal) ? area[3..] : area, Text(location, Prefix + "county_fips"));
            break;
        }

        var indicators = Indicators(scope, errors);
        if (errors.Count > 0) return null;

        Contact? contact = null;
        if (creator is not null && objects.TryGetValue(creator, out var identity))
        {
            var info = Text(identity, "contact_information");
            contact = new Contact(Text(identity, "name"), info is not null && EmailLike().Match(info) is { Success: true } e ? e.Value : null, null);
        }

        // The partner's own id when it fits the native field; otherwise the STIX id it came from.
        var externalId = report is { } r2 && r2.TryGetProperty("external_references", out var ext) && ext.ValueKind == JsonValueKind.Array
            ? ext.EnumerateArray().Select(x => Text(x, "external_id")).FirstOrDefault(x => x is not null && PartnerReference().IsMatch(x))
            : null;
        var federal = property(Prefix + "federal_contest") is { ValueKind: JsonValueKind.True or JsonValueKind.False } f ? f.GetBoolean() : context.FederalContest;
        return new ReportSubmission
        {
            SchemaVersion = "1.0",
            ElectionId = property(Prefix + "election_id") is { ValueKind: JsonValueKind.String } e2 ? e2.GetString() : context.ElectionId,
            FederalContest = federal,
            Title = Clean(title, 300, line: true),
            Narrative = Clean(narrative, 200_000, line: false),
            ObservedAt = report is { } r3 ? Time(r3, "published") : ObservedAt(scope) ?? context.ReceivedAt,
            Jurisdiction = jurisdiction,
            Recipients = NullIfEmpty(StringsOf(property(Prefix + "recipients"))),
            TargetedSystems = NullIfEmpty(StringsOf(property(Prefix + "targeted_systems"))),
            Effects = NullIfEmpty(StringsOf(property(Prefix + "effects"))),
            // The native limits (20 governments, 50 actors); a larger bundle keeps the rest in its evidence.
            SuspectedForeignGovernments = governments.Count > 0 ? [.. governments.Take(20)] : null,
            NamedActors = actors.Count > 0 ? [.. actors.Take(50)] : null,
            Indicators = indicators.Count > 0 ? indicators : null,
            Contact = contact is { Name: null, Email: null } ? null : contact,
            PartnerReference = externalId ?? (source.Length <= 100 ? source : null),
        };
    }

    /// <summary>
    /// Indicators from the <c>stix</c> patterns' comparisons and from the observables themselves, each value checked and
    /// written one way (IndicatorValues) and kept once. A value that is not of its type is refused; a network range
    /// (valid STIX, not one address) stays in the evidence only.
    /// </summary>
    private static List<Indicator> Indicators(List<JsonElement> scope, Errors errors)
    {
        var indicators = new List<Indicator>();
        var seen = new HashSet<(string, string)>();
        void Add(string type, string raw, string where, string what, bool refuse)
        {
            if (IsRange(raw)) return;
            var (value, error) = IndicatorValues.Normalise(type, raw);
            if (value is null) { if (refuse) errors.Add(where, $"{what}: {error}"); }
            else if (seen.Add((type, value))) indicators.Add(new Indicator(type, value));
        }
        foreach (var o in scope)
        {
            var id = Text(o, "id")!;
            switch (Text(o, "type"))
            {
                case "indicator" when Text(o, "pattern_type") == "stix":
                    foreach (Match m in Comparison().Matches(Text(o, "pattern") ?? ""))
                    {
                        var raw = m.Groups["value"].Value.Replace("\\'", "'").Replace("\\\\", "\\");
                        var observable = m.Groups["object"].Value;
                        var type = observable switch
                        {
                            "ipv4-addr" => "ipv4",
                            "ipv6-addr" => "ipv6",
                            "domain-name" => "domain",
                            "url" => "url",
                            "email-addr" or "email-message" => "email",
                            "user-account" => "social-account",
                            "network-traffic" => raw.Contains(':') ? "ipv6" : "ipv4",
                            _ => "sha256",
                        };
                        Add(type, raw, $"{id}.pattern", observable, refuse: observable != "network-traffic");
                    }
                    break;
                // Observables as they were seen: a value a partner's tool could not check is left in the evidence, not refused.
                case "domain-name" when Text(o, "value") is { } v: Add("domain", v, id, "domain-name", refuse: false); break;
                case "ipv4-addr" when Text(o, "value") is { } v: Add("ipv4", v, id, "ipv4-addr", refuse: false); break;
                case "ipv6-addr" when Text(o, "value") is { } v: Add("ipv6", v, id, "ipv6-addr", refuse: false); break;
                case "url" when Text(o, "value") is { } v: Add("url", v, id, "url", refuse: false); break;
                case "email-addr" when Text(o, "value") is { } v: Add("email", v, id, "email-addr", refuse: false); break;
                case "file" when o.TryGetProperty("hashes", out var hashes) && hashes.ValueKind == JsonValueKind.Object
                    && (Text(hashes, "SHA-256") ?? Text(hashes, "SHA256")) is { } h:
                    Add("sha256", h, id, "file", refuse: false);
                    break;
            }
        }
        return indicators;
    }

    /// <summary>An object version's identity (STIX 2.1, 3.6: id and modified; an object without modified has one version).</summary>
    private static string Version(JsonElement o) => $"{Text(o, "id")}|{Text(o, "modified") ?? Text(o, "created") ?? ""}";

    /// <summary>
    /// STIX asks for an ISO 3166-1 alpha-2 code, and OpenCTI writes the country's name: a code as it is, the names of the
    /// states reports name most, and otherwise no country (the location stays in the evidence).
    /// </summary>
    public static string? CountryCode(string? country) => country is null ? null
        : country.Length == 2 && char.IsAsciiLetter(country[0]) && char.IsAsciiLetter(country[1]) ? country.ToUpperInvariant()
        : CountryNames.GetValueOrDefault(country.Trim());

    private static readonly Dictionary<string, string> CountryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["United States"] = "US", ["United States of America"] = "US", ["USA"] = "US",
        ["Russia"] = "RU", ["Russian Federation"] = "RU", ["China"] = "CN", ["People's Republic of China"] = "CN",
        ["Iran"] = "IR", ["Iran, Islamic Republic of"] = "IR", ["Islamic Republic of Iran"] = "IR",
        ["North Korea"] = "KP", ["Korea, Democratic People's Republic of"] = "KP", ["Democratic People's Republic of Korea"] = "KP",
        ["Belarus"] = "BY", ["Cuba"] = "CU", ["Venezuela"] = "VE", ["Syria"] = "SY", ["Syrian Arab Republic"] = "SY",
        ["Turkey"] = "TR", ["Türkiye"] = "TR", ["Saudi Arabia"] = "SA", ["United Arab Emirates"] = "AE", ["Qatar"] = "QA",
        ["Israel"] = "IL", ["Pakistan"] = "PK", ["India"] = "IN", ["Ukraine"] = "UA", ["United Kingdom"] = "GB",
    };

    private static bool IsRange(string value) =>
        value.IndexOf('/') is var slash and > 0 && System.Net.IPAddress.TryParse(value.AsSpan(0, slash), out _)
        && int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits <= 128;

    /// <summary>
    /// A title and narrative from the objects' names and descriptions (incidents and campaigns first, then actors, then
    /// means), sightings and observations with their times, and observable values when nothing else speaks; null when
    /// the objects say nothing.
    /// </summary>
    private static (string Title, string Narrative)? Compose(List<JsonElement> objects, Dictionary<string, JsonElement> all)
    {
        string NameOf(string? id) => id is not null && all.TryGetValue(id, out var o) ? Text(o, "name") ?? Text(o, "value") ?? id : id ?? "?";
        var ordered = objects.Where(o => Array.IndexOf(ComposeOrder, Text(o, "type")) >= 0)
            .OrderBy(o => Array.IndexOf(ComposeOrder, Text(o, "type"))).ToList();
        var paragraphs = new List<string>();
        var named = new List<string>();
        foreach (var o in ordered)
        {
            var type = Text(o, "type")!;
            var label = char.ToUpperInvariant(type[0]) + type[1..].Replace('-', ' ');
            string? line = type switch
            {
                "sighting" => $"Sighting of {NameOf(Text(o, "sighting_of_ref"))}" +
                              (Text(o, "first_seen") is { } first ? $", first seen {first}" : "") + (Text(o, "last_seen") is { } last ? $", last seen {last}" : "") +
                              (o.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? $", {c.GetRawText()} times" : "") +
                              (Strings(o, "where_sighted_refs") is { Count: > 0 } where ? " at " + string.Join(", ", where.Select(NameOf)) : "") + ".",
                "observed-data" => $"Observed {(o.TryGetProperty("number_observed", out var n) ? n.GetRawText() : "1")} time(s) from {Text(o, "first_observed")} to {Text(o, "last_observed")}" +
                                   (Strings(o, "object_refs") is { Count: > 0 } seen ? ": " + string.Join(", ", seen.Select(NameOf)) : "") + ".",
                _ => null,
            };
            if (Text(o, "name") is { Length: > 0 } name)
            {
                named.Add($"{label} {name}");
                line ??= $"{label}: {name}.";
            }
            if (Text(o, "description") is { Length: > 0 } description) line = line is null ? description : $"{line} {description}";
            if (line is not null) paragraphs.Add(line);
        }
        if (paragraphs.Count == 0)
        {
            var values = objects.Where(o => ObservableTypes.Contains(Text(o, "type")!) && Text(o, "value") is not null).Select(o => $"{Text(o, "type")} {Text(o, "value")}").ToList();
            if (values.Count == 0) return null;
            paragraphs.Add("Observables: " + string.Join(", ", values) + ".");
        }
        var title = named.Count == 0 ? paragraphs[0] : string.Join("; ", named.Take(3)) + (named.Count > 3 ? $" and {named.Count - 3} more" : "");
        return (title, string.Join("\n\n", paragraphs));
    }

    /// <summary>When nothing was reported as such: the first sighting or observation, else the earliest indicator, else the earliest object (else, observables alone, when they were received).</summary>
    private static DateTimeOffset? ObservedAt(List<JsonElement> scope)
    {
        DateTimeOffset? Earliest(IEnumerable<DateTimeOffset?> times) => times.Where(t => t is not null).Min();
        return Earliest(scope.SelectMany(o => new[] { Time(o, "first_seen"), Time(o, "first_observed") }))
            ?? Earliest(scope.Where(o => Text(o, "type") == "indicator").Select(o => Time(o, "valid_from")))
            ?? Earliest(scope.Select(o => Time(o, "created")));
    }

    /// <summary>What one of several reports covers: what it references, the relationships and sightings touching those, and their ends.</summary>
    private static List<JsonElement> Scope(JsonElement report, Dictionary<string, JsonElement> objects)
    {
        var ids = new HashSet<string>(Strings(report, "object_refs"), StringComparer.Ordinal) { Text(report, "id")! };
        foreach (var o in objects.Values)
        {
            var type = Text(o, "type");
            if (type == "relationship" && (ids.Contains(Text(o, "source_ref") ?? "") || ids.Contains(Text(o, "target_ref") ?? "")))
            {
                ids.Add(Text(o, "id")!);
                ids.Add(Text(o, "source_ref") ?? "");
                ids.Add(Text(o, "target_ref") ?? "");
            }
            else if (type == "sighting" && ids.Contains(Text(o, "sighting_of_ref") ?? "")) ids.Add(Text(o, "id")!);
        }
        return [.. objects.Values.Where(o => ids.Contains(Text(o, "id")!))];
    }

    /// <summary>A report's own <c>x_electionfunctions_*</c> property, else the bundle's (or envelope's).</summary>
    private static Func<string, JsonElement?> WithFallback(JsonElement report, JsonElement container) =>
        name => Property(report, name) ?? Property(container, name);

    /// <summary>Without a report: the bundle's property, else the first object's that carries it.</summary>
    private static Func<string, JsonElement?> FirstWith(List<JsonElement> objects, JsonElement container) =>
        name => Property(container, name) ?? objects.Select(o => Property(o, name)).FirstOrDefault(p => p is not null);

    private static JsonElement? Property(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>Control characters the native schema refuses become spaces (a title stays one line), and the text fits its field.</summary>
    private static string Clean(string text, int max, bool line)
    {
        var clean = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            if (clean.Length == max) break;
            clean.Append(char.IsControl(c) && (line || c is not ('\t' or '\n' or '\r')) ? ' ' : c);
        }
        return clean.ToString().Trim() is { Length: > 0 } t ? t : "(untitled)";
    }

    private static Mapping Refused(string where, string why) => new([], [], new Dictionary<string, string[]>(StringComparer.Ordinal) { [where] = [why] });

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
        public int Count => _errors.Count;
        public void Add(string where, string why) => (_errors.TryGetValue(where, out var l) ? l : _errors[where] = []).Add(why);
        public Mapping Refusal() => new([], [], _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }

    // Any element may be of the wrong kind (an external reference that is a string): never an exception, so never a 500.
    private static string? Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string> Strings(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) ? StringsOf(v) : [];

    private static List<string> StringsOf(JsonElement? v) => v is { ValueKind: JsonValueKind.Array } a
        ? [.. a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
        : [];

    private static List<string>? NullIfEmpty(List<string> values) => values.Count > 0 ? values : null;

    private static DateTimeOffset? Time(JsonElement o, string name) =>
        Text(o, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static bool IsIdentifier(string id, string type) =>
        id.StartsWith(type + "--", StringComparison.Ordinal) && Guid.TryParseExact(id[(type.Length + 2)..], "D", out _);

    [GeneratedRegex(@"(?<object>ipv4-addr|ipv6-addr|domain-name|url|email-addr):value\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'|(?<object>email-message):(?:from_ref|sender_ref|to_refs\[\*\])\.value\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'|(?<object>network-traffic):(?:dst_ref|src_ref)\.value\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'|(?<object>user-account):account_login\s*=\s*'(?<value>(?:[^'\\]|\\.)*)'|(?<object>file):hashes\.(?:'SHA-256'|SHA256|'SHA256')\s*=\s*'(?<value>[0-9A-Fa-f]{64})'")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"[^\s@<>""]+@[^\s@<>""]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailLike();

    [GeneratedRegex(@"^[A-Za-z0-9._:/-]{1,100}$")]
    private static partial Regex PartnerReference();
}
