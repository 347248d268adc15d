using System.Globalization;
using System.Text;

namespace ElectionFunctions.Evaluation;

/// <summary>docs/classification.md: each set apart, with precision and recall per label, exact matches, routing errors and every miss.</summary>
public static class EvaluationReport
{
    /// <summary>The bars make test holds each set to (issue 17).</summary>
    public static readonly IReadOnlyDictionary<string, string> Bars = new Dictionary<string, string>
    {
        ["Developers' set"] = "agencies 100% precision and recall, categories ≥ 95% (micro-averaged), as before, over the reports whose labels issue 17 did not overrule",
        ["Independent set"] = "agencies exactly right on ≥ 95% of reports, categories exactly right on ≥ 90% of reports",
    };

    /// <summary>
    /// Labels of the developers' set (kept as they were written) that issue 17's decisions overrule; make test holds the
    /// set at its bar over the other reports and checks that these still differ, so the list cannot go stale.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Why, Expected Now)> Superseded = new Dictionary<string, (string, Expected)>(StringComparer.Ordinal)
    {
        ["CI-01"] = ("a hack-and-leak (campaign e-mails published through a persona's site) is campaign infrastructure and an influence operation",
            new(["campaign-infrastructure", "influence-operation"], "high", ["dhs", "doj", "odni"])),
        ["MX-05"] = ("TLP:RED goes to the listed agencies the matrix also gives: Treasury is listed, but the report names no foreign person and is not illicit finance",
            new(["election-infrastructure"], "high", ["doj"])),
        ["MX-10"] = ("telling voters to stay home targets voters in general, not an election process: not DHS", new(["influence-operation"], "moderate", ["odni"])),
        ["OOS-01"] = ("severity follows the effect whatever the scope (service disrupted: moderate)", new(["out-of-scope"], "moderate", [])),
        ["OOS-02"] = ("severity follows the effect whatever the scope (access gained: high)", new(["out-of-scope"], "high", [])),
        ["OOS-03"] = ("severity follows the effect whatever the scope (disinformation published: moderate)", new(["out-of-scope"], "moderate", [])),
        ["OOS-04"] = ("severity follows the effect whatever the scope (attempted only: moderate)", new(["out-of-scope"], "moderate", [])),
        ["OOS-05"] = ("severity follows the effect whatever the scope (attempted only: moderate)", new(["out-of-scope"], "moderate", [])),
        ["OOS-06"] = ("severity follows the effect whatever the scope (service disrupted: moderate)", new(["out-of-scope"], "moderate", [])),
    };

    public static string ToMarkdown(IReadOnlyList<EvaluationResult> sets)
    {
        var md = new StringBuilder();
        md.AppendLine("# Classification and routing: evaluation").AppendLine();
        md.AppendLine($"Rules version `{sets[0].RulesVersion}`, routing matrix of `electionsettings.json`. Regenerate with `make evaluate`;");
        md.AppendLine("`make test` fails when a set falls below its bar. Each report goes through the same validator, classifier and routing");
        md.AppendLine("decision as the app. \"Exactly right\" counts reports whose whole set of labels is right, not labels one by one.").AppendLine();
        md.AppendLine("| set | reports | categories exactly right | agencies exactly right | severity right | over-routed (report, agency) | under-routed (report, agency) | bar |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in sets)
            md.AppendLine($"| {s.Name} (`tests/Evaluation/{s.File}`) | {s.Outcomes.Count} | {Percent(s.CategoriesExact)} | {Percent(s.AgenciesExact)} | {Percent(s.SeverityAccuracy)} | " +
                          $"{s.Outcomes.Sum(o => o.OverRouted.Count())} | {s.Outcomes.Sum(o => o.UnderRouted.Count())} | {Bars.GetValueOrDefault(s.Name, "")} |");
        md.AppendLine();
        foreach (var s in sets) Section(md, s);
        return md.ToString();
    }

    private static void Section(StringBuilder md, EvaluationResult s)
    {
        md.AppendLine($"## {s.Name}").AppendLine();
        if (s.Description.Length > 0) md.AppendLine(s.Description).AppendLine();
        if (s.Decisions.Count > 0)
        {
            md.AppendLine("Decisions taken where DOMAIN.md left room, and labelled accordingly:").AppendLine();
            foreach (var d in s.Decisions) md.AppendLine($"- {d}");
            md.AppendLine();
        }
        var superseded = s.Outcomes.Where(o => Superseded.ContainsKey(o.Id)).ToList();
        if (superseded.Count > 0)
        {
            md.AppendLine("Labels here that issue 17's decisions overrule (the labels are kept as written; the bar holds over the other reports):").AppendLine();
            foreach (var o in superseded) md.AppendLine($"- `{o.Id}`: {Superseded[o.Id].Why}; now {Describe(Superseded[o.Id].Now.Categories, Superseded[o.Id].Now.Severity, Superseded[o.Id].Now.Agencies)}.");
            md.AppendLine();
        }
        Table(md, "Categories", s.Categories.Append(s.CategoriesMicro));
        Table(md, "Agencies", s.Agencies.Append(s.AgenciesMicro));
        md.AppendLine($"Severity: {s.Outcomes.Count(o => o.Severity == o.Expected.Severity)} of {s.Outcomes.Count} right. " +
                      $"Reports fully right (categories, agencies and severity): {s.Outcomes.Count(o => o.Correct)} of {s.Outcomes.Count}. " +
                      $"TLP values covered: {string.Join(", ", s.TlpValues)}.").AppendLine();

        md.AppendLine($"### {s.Name}: routing errors").AppendLine();
        md.AppendLine("Over-routing sends a report to an agency outside its need-to-know (under TLP, a leak); under-routing keeps it from one that needs it.").AppendLine();
        var over = s.Outcomes.Where(o => o.OverRouted.Any()).ToList();
        var under = s.Outcomes.Where(o => o.UnderRouted.Any()).ToList();
        md.AppendLine($"- Over-routed: {(over.Count == 0 ? "none" : string.Join("; ", over.Select(o => $"`{o.Id}` +{string.Join(", +", o.OverRouted)}")))}.");
        md.AppendLine($"- Under-routed: {(under.Count == 0 ? "none" : string.Join("; ", under.Select(o => $"`{o.Id}` −{string.Join(", −", o.UnderRouted)}")))}.");
        md.AppendLine();

        md.AppendLine($"### {s.Name}: every miss").AppendLine();
        var wrong = s.Outcomes.Where(o => !o.Correct).ToList();
        if (wrong.Count == 0) md.AppendLine("None.");
        foreach (var o in wrong)
        {
            md.AppendLine($"- `{o.Id}` {o.Note}: expected {Describe(o.Expected.Categories, o.Expected.Severity, o.Expected.Agencies)}, " +
                          $"got {Describe(o.Categories, o.Severity, o.Agencies)}.{Why(o)}");
        }
        md.AppendLine();
    }

    private static string Why(Outcome o)
    {
        if (o.Rationale is not { } r) return "";
        var parts = new List<string>();
        if (!o.CategoriesRight && r.Categories is { } c) parts.Add($"categories: {c}");
        if (o.Severity != o.Expected.Severity && r.Severity is { } s) parts.Add($"severity: {s}");
        if (!o.AgenciesRight && r.Agencies is { } a) parts.Add($"agencies: {a}");
        return parts.Count == 0 ? "" : " Label's rationale — " + string.Join(" ", parts);
    }

    private static string Describe(string[] categories, string severity, string[] agencies) =>
        $"[{string.Join(", ", categories)}] {severity} → [{string.Join(", ", agencies)}]";

    private static void Table(StringBuilder md, string title, IEnumerable<Score> scores)
    {
        md.AppendLine($"| {title.ToLowerInvariant()} | support | true pos. | false pos. | false neg. | precision | recall |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in scores)
            md.AppendLine($"| {s.Label} | {s.Support} | {s.TruePositives} | {s.FalsePositives} | {s.FalseNegatives} | {Percent(s.Precision)} | {Percent(s.Recall)} |");
        md.AppendLine();
    }

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture);
}
