using System.Globalization;
using System.Text.Json.Nodes;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;

namespace ElectionFunctions.Taxii;

/// <summary>
/// A routed report as STIX 2.1, built from the agency's own message, so the collection holds exactly what the queue
/// carried (its contact only for DHS and DOJ, its related reports only those the agency also received). Every object
/// carries the report's TLP marking and the service as creator; ids are UUIDv5 of the report and the content, so a
/// report added again is the same objects.
/// </summary>
public static class ReportStix
{
    /// <summary>The objects every collection holds once: the service's identity (TLP:CLEAR: it names only the service) and the TLP marking definitions it uses.</summary>
    public static JsonObject Identity() => new()
    {
        ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = PackageStix.SystemIdentity,
        ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = "ElectionFunctions", ["identity_class"] = "system",
        ["object_marking_refs"] = new JsonArray(PackageStix.StixFor("CLEAR").Id),
    };

    public static IReadOnlyList<JsonObject> For(AgencyMessage m)
    {
        var time = m.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var marking = PackageStix.StixFor(m.Tlp).Id;
        var objects = new List<JsonObject>();
        string Id(string type, string content) => $"{type}--{PackageStix.Uuid5($"report:{m.ReportId}|{type}|{content}")}";
        JsonObject Add(string type, string content, params (string Name, JsonNode? Value)[] properties) => Marked(type, content, marking, properties);
        JsonObject Marked(string type, string content, string markingId, params (string Name, JsonNode? Value)[] properties)
        {
            var o = new JsonObject
            {
                ["type"] = type, ["spec_version"] = "2.1", ["id"] = Id(type, content), ["created"] = time, ["modified"] = time,
                ["created_by_ref"] = PackageStix.SystemIdentity, ["object_marking_refs"] = new JsonArray(markingId),
            };
            foreach (var (name, value) in properties) if (value is not null) o[name] = value;
            objects.Add(o);
            return o;
        }
        string Ref(JsonObject o) => o["id"]!.GetValue<string>();

        var r = m.Report;
        var locations = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        JsonObject Country(string country) => locations.TryGetValue(country, out var l) ? l
            : locations[country] = Add("location", country, ("name", country), ("country", country));
        foreach (var government in r.SuspectedForeignGovernments) Country(government);
        foreach (var actor in r.NamedActors)
        {
            var person = actor.Kind == "person";
            var threatActor = Add("threat-actor", $"{actor.Name}|{actor.Kind}|{actor.Country}|{actor.Role}", ("name", actor.Name ?? "(unnamed)"),
                ("threat_actor_types", new JsonArray(actor.Role == "engaged" ? "nation-state" : "sponsor")),
                ("resource_level", person ? "individual" : "organization"), ("x_electionfunctions_role", actor.Role));
            if (actor.Country is { } country)
                Add("relationship", $"{Ref(threatActor)}|located-at|{country}", ("relationship_type", "located-at"),
                    ("source_ref", Ref(threatActor)), ("target_ref", Ref(Country(country))));
        }
        if (r.Jurisdiction is { State: { } state } jurisdiction)
            Add("location", $"US-{state}|{jurisdiction.CountyFips}", ("name", $"{state}{(jurisdiction.CountyFips is { } fips ? " county " + fips : "")}"),
                ("country", "US"), ("administrative_area", "US-" + state), ("x_electionfunctions_county_fips", jurisdiction.CountyFips));
        foreach (var i in m.Indicators)
            // The value is in the pattern; the name shows its start (a 2,000-character URL twice would double the entry).
            Add("indicator", $"{i.Type}|{i.Value}", ("name", $"{i.Type} {Intake.IndicatorValues.Shown(i.Value!)}"), ("pattern", PackageStix.Pattern(i)), ("pattern_type", "stix"),
                ("valid_from", time), ("indicator_types", new JsonArray("malicious-activity")));
        if (r.Contact is { } contact)
            Add("identity", $"contact|{contact.Name}|{contact.Email}|{contact.Phone}", ("name", contact.Name ?? contact.Email ?? "contact"), ("identity_class", "individual"),
                ("contact_information", string.Join("; ", new[] { contact.Email, contact.Phone }.OfType<string>())));

        var report = new JsonObject
        {
            ["type"] = "report", ["spec_version"] = "2.1", ["id"] = ReportObjectId(m.ReportId), ["created"] = time, ["modified"] = time,
            ["created_by_ref"] = PackageStix.SystemIdentity, ["object_marking_refs"] = new JsonArray(marking),
            ["name"] = r.Title, ["description"] = r.Narrative, ["published"] = r.ObservedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["report_types"] = new JsonArray("threat-report"),
            ["labels"] = new JsonArray([.. m.Categories.Select(c => (JsonNode)c)]),
            ["x_electionfunctions_report_id"] = m.ReportId,
            ["x_electionfunctions_election_id"] = m.ElectionId,
            ["x_electionfunctions_severity"] = m.Severity,
            ["x_electionfunctions_tlp"] = m.Tlp,
            ["x_electionfunctions_reasons"] = new JsonArray([.. m.Reasons.Select(reason => (JsonNode)$"{reason.Rule}: {reason.Evidence}")]),
        };
        // A report needs at least one reference: the service that wrote it, when it names nothing else.
        report["object_refs"] = new JsonArray([.. (objects.Count == 0 ? [PackageStix.SystemIdentity] : objects.Select(Ref)).Select(id => (JsonNode)id)]);
        // Earlier reports this agency also received that share correlation keys (CorrelationIndex): linked, never resent. The link
        // says an earlier report with those keys exists, so it is marked as the stricter of the two (a GREEN report linking to a
        // RED one must not carry the RED report's existence at GREEN).
        foreach (var related in m.Related)
            Marked("relationship", $"related-to|{related.ReportId}", PackageStix.StixFor(Stricter(m.Tlp, related.Tlp ?? "RED")).Id,
                ("relationship_type", "related-to"), ("source_ref", ReportObjectId(m.ReportId)),
                ("target_ref", ReportObjectId(related.ReportId)), ("description", "Shares correlation keys: " + string.Join(", ", related.Keys)),
                ("x_electionfunctions_keys", new JsonArray([.. related.Keys.Select(k => (JsonNode)k)])));
        objects.Insert(0, report);
        return objects;
    }

    private static string Stricter(string a, string b) => Intake.TlpMarkings.Rank(a) >= Intake.TlpMarkings.Rank(b) ? a : b;

    /// <summary>The marking definitions the objects name (each collection holds them once).</summary>
    public static IEnumerable<string> MarkingsOf(IEnumerable<JsonObject> objects) =>
        objects.SelectMany(o => o["object_marking_refs"]?.AsArray().Select(m => m!.GetValue<string>()) ?? []).Distinct(StringComparer.Ordinal);

    /// <summary>The report object's id for a report: how a later report's related-to relationship names an earlier one.</summary>
    public static string ReportObjectId(string reportId) => $"report--{PackageStix.Uuid5("report:" + reportId)}";
}
