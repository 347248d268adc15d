using System.Text;

namespace ElectionFunctions.TestSupport;

/// <summary>Bodies at the intake's limits, shared by the unit and the integration tests.</summary>
public static class LargeBodies
{
    /// <summary>A bundle just under 1 MiB whose indicator patterns hold ~26,000 comparisons (13 s when de-duplication was quadratic).</summary>
    public static string IndicatorBundle(int maxBytes = 1024 * 1024)
    {
        var builder = new StringBuilder("""{"type":"bundle","id":"bundle--5c1f0b7a-2e44-4f0e-9a53-0a2c37e3b9d1","objects":[""");
        builder.Append("""{"type":"report","spec_version":"2.1","id":"report--65a1c3f2-7d9e-4b1a-8c2d-3e4f5a6b7c8d","created":"2026-11-03T18:00:00Z","modified":"2026-11-03T18:00:00Z","name":"Bulk indicators","description":"A partner's bulk export.","published":"2026-11-03T18:00:00Z","object_refs":["identity--55f6ea5e-2c60-40e5-964f-47a8950d210f"]},""");
        builder.Append("""{"type":"identity","spec_version":"2.1","id":"identity--55f6ea5e-2c60-40e5-964f-47a8950d210f","created":"2026-11-03T18:00:00Z","modified":"2026-11-03T18:00:00Z","name":"Partner"}""");
        var n = 0;
        while (true)
        {
            var comparisons = string.Join(" OR ", Enumerable.Range(0, 100).Select(i => $"[ipv4-addr:value = '10.{(n * 100 + i) / 65536 % 256}.{(n * 100 + i) / 256 % 256}.{(n * 100 + i) % 256}']"));
            var indicator = $$""",{"type":"indicator","spec_version":"2.1","id":"indicator--{{new Guid(n, 0, 0, new byte[8]):D}}","created":"2026-11-03T18:00:00Z","modified":"2026-11-03T18:00:00Z","pattern":"{{comparisons}}","pattern_type":"stix","valid_from":"2026-11-03T18:00:00Z"}""";
            if (builder.Length + indicator.Length + 2 > maxBytes) break;
            builder.Append(indicator);
            n++;
        }
        return builder.Append("]}").ToString();
    }
}
