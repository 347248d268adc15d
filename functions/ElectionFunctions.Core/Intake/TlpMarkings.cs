using System.Text.Json;

namespace ElectionFunctions.Intake;

/// <summary>How a report's TLP was read: the level, what it came from, and any marking read as RED because it is not known.</summary>
public sealed record TlpReading(string Tlp, string Source, IReadOnlyList<Reason> Reasons);

/// <summary>
/// TLP from STIX markings, read by marking-definition id and failing closed (docs/stix-mapping.md). Every
/// marking in the bundle counts, on every object (marking definitions included) and in granular markings,
/// because the whole bundle is kept and forwarded (agencies can fetch the raw evidence): the report takes
/// the strictest. A marking the service does not recognise is read as RED and said in the reasons.
/// </summary>
public static class TlpMarkings
{
    /// <summary>Strictness order.</summary>
    public static readonly string[] Levels = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

    /// <summary>Every id read: TLP 2.0, the TLP 1.0 ids MISP and AIS still write, and OpenCTI's own AMBER+STRICT.</summary>
    public static readonly IReadOnlyDictionary<string, (string Tlp, string Scheme)> Known = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"] = ("CLEAR", "TLP 2.0"),
        ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"] = ("GREEN", "TLP 2.0"),
        ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"] = ("AMBER", "TLP 2.0"),
        ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"] = ("AMBER+STRICT", "TLP 2.0"),
        ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"] = ("RED", "TLP 2.0"),
        ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"] = ("CLEAR", "TLP 1.0 WHITE"),
        ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"] = ("GREEN", "TLP 1.0"),
        ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"] = ("AMBER", "TLP 1.0"),
        ["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"] = ("RED", "TLP 1.0"),
        ["marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"] = ("AMBER+STRICT", "OpenCTI"),
    };

    /// <summary>TLP 2.0 marking-definition ids (DOMAIN.md): what the service writes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tlp2 =
        Known.Where(k => k.Value.Scheme == "TLP 2.0").ToDictionary(k => k.Key, k => k.Value.Tlp, StringComparer.Ordinal);

    public const string UnrecognisedRule = "tlp.unrecognised-marking";

    /// <summary>Reasons kept for unrecognised markings; past it one more reason gives the count (the GET answer stays small).</summary>
    public const int MaxReasons = 10;

    public static int Rank(string tlp) => Array.IndexOf(Levels, tlp) is var i and >= 0 ? i : Levels.Length - 1;

    private static string Stricter(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    /// <summary>A native body's field (or the default when it has none).</summary>
    public static TlpReading Native(string? tlp) => tlp is null
        ? new(Vocabulary.DefaultTlp, "default (no tlp field): " + Vocabulary.DefaultTlp, [])
        : new(tlp, "tlp field", []);

    /// <summary>The strictest marking over every object of the bundle; AMBER when the bundle has none.</summary>
    public static TlpReading Read(IReadOnlyDictionary<string, JsonElement> objects)
    {
        string? tlp = null;
        var source = "";
        var reasons = new List<Reason>();
        var unrecognised = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, o) in objects)
        {
            // Marking definitions too: they are kept and forwarded with the rest of the bundle.
            foreach (var (markingRef, how) in References(o))
            {
                var (level, scheme, why) = Resolve(markingRef, objects);
                if (level is null) continue; // a PAP marking: not a sharing restriction
                if (why is not null && unrecognised.Add(markingRef))
                {
                    if (unrecognised.Count <= MaxReasons) reasons.Add(new(UnrecognisedRule, $"{Shown(markingRef)} ({how} of {id}) {why}; read as {level}"));
                }
                if (tlp is not null && Rank(level) <= Rank(tlp)) continue;
                tlp = level;
                source = $"{Shown(markingRef)} ({scheme}) in {how} of {id}";
            }
        }
        if (unrecognised.Count > MaxReasons)
            reasons.Add(new(UnrecognisedRule, $"{unrecognised.Count - MaxReasons} more markings not recognised; read as RED"));
        return tlp is null
            ? new(Vocabulary.DefaultTlp, "default (no marking in the bundle): " + Vocabulary.DefaultTlp, reasons)
            : new(tlp, source, reasons);
    }

    /// <summary>
    /// The level a reference means, its scheme, and why it was not simply recognised (null when it was): RED for anything
    /// unknown; null level for a PAP marking. A known id whose definition in the bundle claims a stricter level takes that one.
    /// </summary>
    private static (string? Level, string Scheme, string? Why) Resolve(string markingRef, IReadOnlyDictionary<string, JsonElement> objects)
    {
        objects.TryGetValue(markingRef, out var definition);
        var claimed = definition.ValueKind == JsonValueKind.Object ? Claimed(definition) : null;
        if (Known.TryGetValue(markingRef, out var known))
        {
            return claimed is not null && Rank(claimed) > Rank(known.Tlp)
                ? (claimed, known.Scheme, $"is {known.Tlp} by its id but its definition in the bundle says {claimed}")
                : (known.Tlp, known.Scheme, null);
        }
        // OpenCTI exports PAP (Permissible Actions Protocol) as marking definitions with their own ids: they say what a
        // recipient may do with the content, not who may see it, so they set no TLP. Recognised by content (PAP has no
        // fixed ids), and only when that content is nothing but PAP.
        if (definition.ValueKind == JsonValueKind.Object && IsPap(definition)) return (null, "PAP", null);
        return ("RED", "unrecognised", definition.ValueKind == JsonValueKind.Object
            ? "is not a known TLP marking" : "is neither in the bundle nor a known TLP marking");
    }

    private static readonly string[] PapLevels = ["PAP:CLEAR", "PAP:WHITE", "PAP:GREEN", "PAP:AMBER", "PAP:RED"];

    private static bool IsPap(JsonElement definition) =>
        Text(definition, "definition_type") is { } type && type.Equals("PAP", StringComparison.OrdinalIgnoreCase)
        && Text(definition, "name") is { } name && PapLevels.Contains(name.ToUpperInvariant())
        && !definition.TryGetProperty("extensions", out _)
        && (!definition.TryGetProperty("definition", out var body) || (body.ValueKind == JsonValueKind.Object
            && body.EnumerateObject().All(p => p.Name.Equals("PAP", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String
                && PapLevels.Contains(p.Value.GetString()!.ToUpperInvariant()))));

    /// <summary>The TLP level a definition's content names (TLP 1.0 "definition": {"tlp": "red"}, or a name "TLP:RED"), if any.</summary>
    private static string? Claimed(JsonElement definition)
    {
        var text = definition.TryGetProperty("definition", out var body) && body.ValueKind == JsonValueKind.Object
            && body.EnumerateObject().FirstOrDefault(p => p.Name.Equals("tlp", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } tlp
            ? tlp.Value.GetString()
            : Text(definition, "name");
        if (text is null) return null;
        var level = text.ToUpperInvariant().Replace("TLP:", "", StringComparison.Ordinal).Trim();
        return level == "WHITE" ? "CLEAR" : Array.IndexOf(Levels, level) >= 0 ? level : null;
    }

    /// <summary>
    /// Every marking reference on an object: <c>object_marking_refs</c> and each granular marking's <c>marking_ref</c>.
    /// A marking property of the wrong shape (a string for the list, an entry that is not an object or names its marking
    /// with no string) is itself a reference nobody can read, so it counts as one (read as RED).
    /// </summary>
    private static IEnumerable<(string Ref, string How)> References(JsonElement o)
    {
        if (o.ValueKind != JsonValueKind.Object) yield break;
        if (o.TryGetProperty("object_marking_refs", out var refs))
        {
            if (refs.ValueKind != JsonValueKind.Array) yield return (refs.GetRawText(), "object_marking_refs (not a list)");
            else
                foreach (var r in refs.EnumerateArray())
                    yield return (r.ValueKind == JsonValueKind.String ? r.GetString()! : r.GetRawText(), "object_marking_refs");
        }
        if (o.TryGetProperty("granular_markings", out var granular))
        {
            if (granular.ValueKind != JsonValueKind.Array)
            {
                yield return (granular.GetRawText(), "granular_markings (not a list)");
                yield break;
            }
            foreach (var g in granular.EnumerateArray())
            {
                if (g.ValueKind != JsonValueKind.Object) yield return (g.GetRawText(), "granular_markings");
                else if (g.TryGetProperty("marking_ref", out var r)) yield return (r.ValueKind == JsonValueKind.String ? r.GetString()! : r.GetRawText(), "granular_markings");
                // A granular marking with only "lang" marks a language, not a handling restriction.
                else if (!g.TryGetProperty("lang", out _)) yield return (g.GetRawText(), "granular_markings");
            }
        }
    }

    private static string? Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Shown(string value) => IndicatorValues.Shown(value);
}
