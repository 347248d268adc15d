namespace ElectionFunctions.IntegrationTests;

internal static class Bodies
{
    /// <summary>API.md's example, with a distinct narrative so that no two tests share a body.</summary>
    public static string Incident(string tag, string tlp = "AMBER", string recipients = "[]", string governments = "[\"IR\"]") => $$"""
        {
          "schemaVersion": "1.0",
          "electionId": "2026-11-03-general",
          "federalContest": true,
          "title": "Unauthorized access to county results-reporting site",
          "narrative": "Operators gained access to the county results page ({{tag}}).",
          "observedAt": "2026-11-03T21:40:00Z",
          "jurisdiction": { "state": "GA", "countyFips": "13121" },
          "tlp": "{{tlp}}",
          "recipients": {{recipients}},
          "targetedSystems": ["results-reporting-website"],
          "effects": ["access-gained"],
          "suspectedForeignGovernments": {{governments}},
          "namedActors": [ { "name": "Emennet Pasargad", "kind": "organization", "country": "IR", "role": "engaged" } ],
          "indicators": [ { "type": "ipv4", "value": "203.0.113.47" } ],
          "contact": { "name": "Jane Roe", "email": "jane.roe@sos.ga.gov", "phone": "+1-404-555-0100" },
          "partnerReference": "GA-SOS-2026-0193"
        }
        """;

    public static string OutOfScope(string tag) => $$"""
        {
          "schemaVersion": "1.0",
          "title": "E-pollbook outage",
          "narrative": "E-pollbooks were down for an hour ({{tag}}); there is no evidence of foreign involvement.",
          "observedAt": "2026-11-03T14:00:00Z",
          "targetedSystems": ["e-pollbook"],
          "effects": ["service-disrupted"]
        }
        """;
}
