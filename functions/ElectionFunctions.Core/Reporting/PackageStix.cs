using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Reporting;

/// <summary>
/// package.stix.json: the package as a STIX 2.1 bundle (report, identities, threat actors, locations,
/// indicators, the TLP 2.0 marking). Ids are UUIDv5 of their content and every timestamp is the data's,
/// so the same package gives the same bytes.
/// </summary>
public static class PackageStix
{
    private static readonly Guid Namespace = new("6f2b8d0e-54a1-4c3e-9b7a-2d1e0f3c4b5a");
    private const string TlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    /// <summary>The service itself, the creator of everything it writes in STIX.</summary>
    public static readonly string SystemIdentity = $"identity--{Uuid5("identity:electionfunctions")}";

    public static JsonObject Build(ElectionPackage p, IReadOnlyCollection<Indicator> indicators, string tlp)
    {
        var time = p.ReceivedThrough.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var marking = StixFor(tlp);
        var objects = new JsonArray();
        var refs = new JsonArray();
        var emitted = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        // The key is every property the object carries, so one id never names two contents; the same content is emitted once.
        JsonObject Sdo(string type, string key, params (string Name, JsonNode? Value)[] properties)
        {
            var id = $"{type}--{Uuid5($"{type}:{key}")}";
            if (emitted.TryGetValue(id, out var existing))
            {
                // The same id must mean the same object: a key that left out a property would merge two.
                if (properties.Any(p => !JsonNode.DeepEquals(existing[p.Name], p.Value)))
                    throw new InvalidOperationException($"STIX id {id} would name two different objects.");
                return existing;
            }
            var o = new JsonObject
            {
                ["type"] = type, ["spec_version"] = "2.1", ["id"] = id,
                ["created"] = time, ["modified"] = time, ["created_by_ref"] = SystemIdentity,
                ["object_marking_refs"] = new JsonArray(marking.Id),
            };
            foreach (var (name, value) in properties) o[name] = value;
            emitted[id] = o;
            objects.Add(o);
            if (type != "identity" || key != "electionfunctions") refs.Add(o["id"]!.GetValue<string>());
            return o;
        }

        objects.Add(marking.Definition);
        Sdo("identity", "electionfunctions", ("name", "ElectionFunctions"), ("identity_class", "system"));

        foreach (var g in p.SectionA.Governments)
        {
            var location = Sdo("location", g.Country, ("country", g.Country), ("name", g.Country));
            foreach (var person in g.Persons)
            {
                var actor = Sdo("threat-actor", $"{person.Name}|{person.Kind}|{person.Country}|{person.Role}",
                    ("name", person.Name),
                    ("threat_actor_types", new JsonArray(person.Role == "engaged" ? "nation-state" : "sponsor")),
                    ("resource_level", person.Kind == "person" ? "individual" : "government"),
                    ("x_electionfunctions_role", person.Role));
                Sdo("relationship", $"{actor["id"]}|located-at|{location["id"]}",
                    ("relationship_type", "located-at"), ("source_ref", actor["id"]!.DeepClone()), ("target_ref", location["id"]!.DeepClone()));
            }
        }
        foreach (var i in indicators)
        {
            Sdo("indicator", $"{i.Type}|{i.Value}", ("name", $"{i.Type} {i.Value}"), ("pattern", Pattern(i)), ("pattern_type", "stix"), ("valid_from", time),
                ("indicator_types", new JsonArray("malicious-activity")));
        }
        // Each incident a grouping of the indicators it shares that the bundle holds (a grouping needs at least one).
        foreach (var incident in p.SectionA.Incidents)
        {
            var members = incident.SampleKeys.Select(k => k.Split(':', 2)).Where(k => k.Length == 2)
                .Select(k => $"indicator--{Uuid5($"indicator:{k[0]}|{k[1]}")}").Where(emitted.ContainsKey).ToList();
            if (members.Count == 0) continue;
            Sdo("grouping", string.Join("|", incident.SampleKeys),
                ("name", $"Incident: {incident.Reports} reports from {incident.Partners} partners, {incident.FirstSeen.UtcDateTime:yyyy-MM-dd} to {incident.LastSeen.UtcDateTime:yyyy-MM-dd}"),
                ("context", "suspicious-activity"),
                ("object_refs", new JsonArray([.. members.Select(m => (JsonNode)m)])));
        }
        var report = Sdo("report", $"{p.ElectionId}|{p.Version}",
            ("name", $"EO 13848 post-election package {p.ElectionId} {p.Version}"),
            ("description", $"{p.Reports} reports ({p.RedReports} TLP:RED, content withheld) received through {time}; {p.SectionA.Governments.Count} suspected foreign governments; {p.SectionC.Referrals.Count} Treasury referrals."),
            ("report_types", new JsonArray("threat-report")),
            ("published", time),
            ("x_electionfunctions_election_id", p.ElectionId),
            ("x_electionfunctions_version", p.Version));
        refs.Remove(refs.Last(r => r!.GetValue<string>() == report["id"]!.GetValue<string>()));
        if (refs.Count == 0) refs.Add($"identity--{Uuid5("identity:electionfunctions")}");
        report["object_refs"] = refs;

        return new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Uuid5($"bundle:{p.ElectionId}|{p.Version}")}", ["objects"] = objects };
    }

    /// <summary>The TLP 2.0 marking definition (DOMAIN.md's ids) for a TLP value.</summary>
    public static (string Id, JsonObject Definition) StixFor(string tlp)
    {
        var id = TlpMarkings.Tlp2.First(m => m.Value == tlp).Key;
        return (id, new JsonObject
        {
            ["type"] = "marking-definition", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2022-10-01T00:00:00.000Z",
            ["name"] = "TLP:" + tlp,
            ["extensions"] = new JsonObject { [TlpExtension] = new JsonObject { ["extension_type"] = "property-extension", ["tlp_2_0"] = tlp.ToLowerInvariant() } },
        });
    }

    public static string Pattern(Indicator i)
    {
        var value = i.Value!.Replace("\\", "\\\\").Replace("'", "\\'");
        return i.Type switch
        {
            "ipv4" => $"[ipv4-addr:value = '{value}']",
            "ipv6" => $"[ipv6-addr:value = '{value}']",
            "domain" => $"[domain-name:value = '{value}']",
            "url" => $"[url:value = '{value}']",
            "email" => $"[email-addr:value = '{value}']",
            "sha256" => $"[file:hashes.'SHA-256' = '{value}']",
            _ => $"[user-account:account_login = '{value}']",
        };
    }

    /// <summary>RFC 9562 version 5 (SHA-1, name-based) UUID.</summary>
    public static Guid Uuid5(string name)
    {
        var ns = Namespace.ToByteArray(bigEndian: true);
        var hash = SHA1.HashData([.. ns, .. Encoding.UTF8.GetBytes(name)]);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
