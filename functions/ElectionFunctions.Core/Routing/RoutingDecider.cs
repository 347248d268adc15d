using Microsoft.Extensions.Options;

namespace ElectionFunctions.Routing;

/// <summary>Applies the routing matrix and TLP to a classification: which agencies, and why.</summary>
public sealed class RoutingDecider(IOptions<RoutingOptions> options)
{
    // The matrix's conditions split into their signals once, not for every report.
    private readonly (string Agency, (string Text, string[] Signals)[] Conditions)[] _matrix =
        [.. options.Value.Matrix.Select(m => (m.Key, m.Value.Select(c => (c, c.Split('&'))).ToArray()))];

    public (IReadOnlyList<string> Agencies, IReadOnlyList<Reason> Reasons) Decide(ClassificationResult classification, string tlp, IReadOnlyList<string> recipients)
    {
        var reasons = new List<Reason>();
        if (!classification.InScope)
        {
            reasons.Add(new("routing.out-of-scope", "out of scope: recorded and answered, routed nowhere"));
            return ([], reasons);
        }

        var signals = classification.Signals.ToHashSet(StringComparer.Ordinal);
        var agencies = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (agency, conditions) in _matrix)
        {
            foreach (var (condition, required) in conditions)
            {
                if (!Array.TrueForAll(required, signals.Contains)) continue;
                agencies.Add(agency);
                reasons.Add(new($"routing.matrix.{agency}", condition));
                break;
            }
        }

        if (tlp == "RED")
        {
            // TLP:RED: named recipients only; ODNI when the partner names none.
            var allowed = recipients.Count > 0 ? recipients : ["odni"];
            reasons.Add(new("routing.tlp-red", "TLP:RED, sent only to " + string.Join(", ", allowed)));
            return ([.. allowed.Distinct().Order(StringComparer.Ordinal)], reasons);
        }
        return ([.. agencies], reasons);
    }
}
