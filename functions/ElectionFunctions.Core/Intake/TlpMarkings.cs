using System.Text.Json;

namespace ElectionFunctions.Intake;

/// <summary>How a report's TLP was read: the level, what it came from, and any marking read as RED because it is not known.</summary>
public sealed record TlpReading(string Tlp, string Source, IReadOnlyList<Reason> Reasons);

/// <summary>
/// TLP from STIX markings, read by marking-definition id and failing closed (docs/stix-mapping.md). Every
/// marking in the bundle counts, on any object and in granular markings, because the whole bundle is kept
/// and forwarded (agencies can fetch the raw evidence): the report takes the strictest. A marking the
/// service does not recognise is read as RED and said in the reasons.
/// </summary>
public static class TlpMarkings
{
    /// <summary>Strictness order.</summary>
    public static readonly string[] Levels = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

    /// <summary>TLP 2.0 marking-definition ids (DOMAIN.md): what the service writes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tlp2 = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"] = "CLEAR",
        ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"] = "GREEN",
        ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"] = "AMBER",
        ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"] = "AMBER+STRICT",
        ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"] = "RED",
    };

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

    public const string UnrecognisedRule = "tlp.unrecognised-marking";

    public static int Rank(string tlp) => Array.IndexOf(Levels, tlp) is var i and >= 0 ? i : Levels.Length - 1;

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
            if (id.StartsWith("marking-definition--", StringComparison.Ordinal)) continue;
            foreach (var (markingRef, how) in References(o))
            {
                var level = Resolve(markingRef, objects, out var scheme);
                if (level is null) continue; // a PAP marking: not a sharing restriction
                if (scheme is null && unrecognised.Add(markingRef))
                    reasons.Add(new(UnrecognisedRule, $"{Shown(markingRef)} ({how} of {id}) is not a known TLP marking; read as RED"));
                if (tlp is not null && Rank(level) <= Rank(tlp)) continue;
                tlp = level;
                source = $"{Shown(markingRef)} ({scheme ?? "unrecognised"}) in {how} of {id}";
            }
        }
        return tlp is null
            ? new(Vocabulary.DefaultTlp, "default (no marking in the bundle): " + Vocabulary.DefaultTlp, reasons)
            : new(tlp, source, reasons);
    }

    /// <summary>The level a reference means, with its scheme; RED and no scheme when unknown; null for PAP.</summary>
    private static string? Resolve(string markingRef, IReadOnlyDictionary<string, JsonElement> objects, out string? scheme)
    {
        if (Known.TryGetValue(markingRef, out var known))
        {
            scheme = known.Scheme;
            return known.Tlp;
        }
        scheme = null;
        // OpenCTI exports PAP (Permissible Actions Protocol) as marking definitions with their own ids: they say what
        // a recipient may do with the content, not who may see it, so they set no TLP. Recognised by content, as PAP has no fixed ids.
        if (objects.TryGetValue(markingRef, out var definition) && Text(definition, "definition_type") is { } type
            && type.Equals("PAP", StringComparison.OrdinalIgnoreCase)
            && Text(definition, "name") is { } name && name.ToUpperInvariant() is "PAP:CLEAR" or "PAP:WHITE" or "PAP:GREEN" or "PAP:AMBER" or "PAP:RED")
            return null;
        return "RED";
    }

    /// <summary>Every marking reference on an object: <c>object_marking_refs</c> and each granular marking's <c>marking_ref</c>.</summary>
    private static IEnumerable<(string Ref, string How)> References(JsonElement o)
    {
        if (o.TryGetProperty("object_marking_refs", out var refs) && refs.ValueKind == JsonValueKind.Array)
            foreach (var r in refs.EnumerateArray())
                yield return (r.ValueKind == JsonValueKind.String ? r.GetString()! : r.GetRawText(), "object_marking_refs");
        if (o.TryGetProperty("granular_markings", out var granular) && granular.ValueKind == JsonValueKind.Array)
            foreach (var g in granular.EnumerateArray())
            {
                // A granular marking with only "lang" marks a language, not a handling restriction.
                if (g.ValueKind != JsonValueKind.Object || !g.TryGetProperty("marking_ref", out var r)) continue;
                yield return (r.ValueKind == JsonValueKind.String ? r.GetString()! : r.GetRawText(), "granular_markings");
            }
    }

    private static string? Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Shown(string value) => IndicatorValues.Shown(value);
}
