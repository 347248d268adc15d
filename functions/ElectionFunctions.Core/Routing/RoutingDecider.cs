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
            // TLP:RED: only agencies the partner names (ODNI when it names none) that the matrix also gives: a listed agency
            // without the need-to-know is dropped, never added (docs/classification.md, decisions).
            var allowed = recipients.Count > 0 ? recipients : ["odni"];
            var sent = allowed.Where(agencies.Contains).Distinct().Order(StringComparer.Ordinal).ToList();
            if (sent.Count == 0)
            {
                // None of the partner's recipients has the need-to-know by the matrix: the source's own list is the
                // authority under TLP:RED, so it goes to them rather than to nobody (and never to anyone else).
                sent = [.. allowed.Distinct().Order(StringComparer.Ordinal)];
                reasons.Add(new("routing.tlp-red", "TLP:RED, no listed recipient is in the matrix; sent to the listed " + string.Join(", ", sent)));
                return (sent, reasons);
            }
            var dropped = allowed.Where(a => !agencies.Contains(a)).Distinct().Order(StringComparer.Ordinal).ToList();
            reasons.Add(new("routing.tlp-red", "TLP:RED, sent only to " + (sent.Count > 0 ? string.Join(", ", sent) : "no agency")
                + (dropped.Count > 0 ? "; listed but outside the matrix: " + string.Join(", ", dropped) : "")));
            return (sent, reasons);
        }
        return ([.. agencies], reasons);
    }
}
