using System.Globalization;
using System.Net;
using System.Text;

namespace ElectionFunctions.Reporting;

/// <summary>
/// report.html: the package for a person. Self-contained (inline CSS, inline SVG, no script, no external
/// asset) and every text from the data HTML-escaped. Deterministic: the same package gives the same bytes.
/// </summary>
public static class PackageHtml
{
    /// <summary>TLP 2.0 label colours (FIRST) and what each level allows.</summary>
    private static readonly Dictionary<string, (string Colour, string Meaning)> TlpLabels = new(StringComparer.Ordinal)
    {
        ["CLEAR"] = ("#FFFFFF", "TLP:CLEAR: recipients may share this without restriction."),
        ["GREEN"] = ("#33FF00", "TLP:GREEN: recipients may share this within their community, not publicly."),
        ["AMBER"] = ("#FFC000", "TLP:AMBER: recipients may share this within their organisation and its clients, on a need-to-know basis."),
        ["AMBER+STRICT"] = ("#FFC000", "TLP:AMBER+STRICT: recipients may share this within their organisation only."),
    };

    private static readonly string[] Palette = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f7f7f", "#bf9000"];

    public static string Render(ElectionPackage p)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        html.Append($"<title>EO 13848 package {E(p.ElectionId)} {E(p.Version)}</title>\n");
        html.Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}" +
                    "th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}td.n{text-align:right}h2{border-bottom:2px solid #1f4e79}" +
                    ".note{color:#555}svg{margin:.5rem 0 1rem}</style>\n</head>\n<body>\n");
        // The TLP 2.0 label first, in its colours on black, before anything it covers (FIRST TLP 2.0 standard).
        var (colour, meaning) = TlpLabels.GetValueOrDefault(p.Tlp, ("#FF2B2B", "strictest marking not known: handle as TLP:RED"));
        html.Append($"<p id=\"tlp\" style=\"background:#000;color:{colour};font-weight:bold;font-size:1.4rem;padding:.3rem .6rem;display:inline-block\">TLP:{E(p.Tlp)}</p>" +
                    $"<p class=\"note\">{E(meaning)}</p>\n");
        html.Append($"<h1>Post-election package: {E(p.ElectionId)}</h1>\n");
        html.Append($"<p>Executive Order 13848. Election day {p.ElectionDate:yyyy-MM-dd}, due {p.DueDate:yyyy-MM-dd}. Version <b>{E(p.Version)}</b> ({E(p.Kind)}), " +
                    $"reports received {(p.ReceivedFrom is { } from ? "after " + T(from) + " " : "")}through {T(p.ReceivedThrough)}: <b>{p.Reports}</b>, of which {p.RedReports} TLP:RED " +
                    "(counted, listed by id in reports.csv, content withheld).</p>\n");

        html.Append("<h2>A. Input to the DNI assessment (Sec. 1(a))</h2>\n<p class=\"note\">Per suspected foreign government: the nature of the activity, its methods and the persons involved. Supporting report ids: section-a.csv.</p>\n");
        Table(html, ["Government", "Reports", "Nature (categories)", "Methods (targets; effects)", "Persons"], p.SectionA.Governments.Select(g => new[]
        {
            E(g.Country), N(g.Reports), Counts(g.Categories), string.Join("; ", new[] { Counts(g.Targets), Counts(g.Effects) }.Where(c => c.Length > 0)),
            string.Join("<br>", g.Persons.Select(x => $"{E(x.Name)} ({E(x.Kind)}, {E(x.Role)}, {x.Reports})"))
                + (g.Persons.Sum(x => x.Reports) < g.PersonMentions ? $"<br><i>the most named of {N(g.PersonMentions)} mentions; all in section-a.csv</i>" : ""),
        }));

        html.Append($"<h3>Incidents: reports linked by shared indicators or actors ({N(p.SectionA.IncidentCount)})</h3>\n<p class=\"note\">One operation seen by several offices; the largest first. Keys are samples.</p>\n");
        Table(html, ["Reports", "First seen", "Last seen", "States", "Partners", "Methods", "Actors", "Keys"], p.SectionA.Incidents.Select(i => new[]
        {
            N(i.Reports), E(i.FirstSeen.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), E(i.LastSeen.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            E(string.Join(", ", i.States)), N(i.Partners), E(string.Join(", ", i.Methods)), E(string.Join(", ", i.Actors)), E(string.Join(" ", i.SampleKeys)) + (i.Keys > i.SampleKeys.Count ? $" ({N(i.Keys)} keys)" : ""),
        }));

        html.Append("<h2>B. Input to the AG/DHS report (Sec. 1(b))</h2>\n<h3>(i) Election infrastructure by state and system</h3>\n");
        Table(html, ["State", "System", "Reports", "Material effects"], p.SectionB.Infrastructure.Select(i => new[] { E(i.State), E(i.System), N(i.Reports), Counts(i.MaterialEffects) }));
        html.Append("<h3>(ii) Political organizations, campaigns and candidates</h3>\n");
        Table(html, ["State", "Target", "Reports", "Effects"], p.SectionB.Campaigns.Select(i => new[] { E(i.State), E(i.System), N(i.Reports), Counts(i.MaterialEffects) }));

        html.Append("<h2>C. Treasury referrals (Sec. 2)</h2>\n<p class=\"note\">Named foreign persons and entities; supporting report ids: section-c.csv.</p>\n");
        if (p.SectionC.Referrals.Sum(r => r.Reports) < p.SectionC.ReferralMentions)
            html.Append($"<p class=\"note\">The {N(p.SectionC.Referrals.Count)} most named of {N(p.SectionC.ReferralMentions)} mentions; every referral is in section-c.csv.</p>\n");
        Table(html, ["Name", "Kind", "Country", "Role", "Basis", "Reports"], p.SectionC.Referrals.Select(r => new[] { E(r.Name), E(r.Kind), E(r.Country), E(r.Role), E(r.Basis), N(r.Reports) }));

        var d = p.SectionD;
        html.Append("<h2>D. Statistics</h2>\n<h3>Reports received per day, by category</h3>\n");
        html.Append(StackedBars(d.ReceivedPerDayByCategory));
        html.Append("<h3>By state</h3>\n").Append(Bars(d.ByState));
        html.Append("<h3>By agency (messages sent)</h3>\n").Append(Bars(d.ByAgency));
        Table(html, ["Measure", "Counts"],
        [
            ["Category", Counts(d.ByCategory)], ["Severity", Counts(d.BySeverity)], ["TLP", Counts(d.ByTlp)], ["Status", Counts(d.ByStatus)],
            ["Intake to routing (s)", d.IntakeToRouting.Count == 0 ? "none routed" :
                $"p50 {F(d.IntakeToRouting.P50)}, p95 {F(d.IntakeToRouting.P95)}, p99 {F(d.IntakeToRouting.P99)}, max {F(d.IntakeToRouting.Max)} over {d.IntakeToRouting.Count}"],
            ["Failed reports", N(d.Failed)],
        ]);
        html.Append("<p class=\"note\">Files and their SHA-256: manifest.json. Machine-readable: package.json, package.stix.json, *.csv.</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Table(StringBuilder html, string[] header, IEnumerable<string[]> rows)
    {
        html.Append("<table><thead><tr>");
        foreach (var h in header) html.Append("<th>").Append(E(h)).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            html.Append("<tr>");
            foreach (var cell in row) html.Append(cell.Length > 0 && char.IsAsciiDigit(cell[0]) && cell.All(char.IsAsciiDigit) ? "<td class=\"n\">" : "<td>").Append(cell).Append("</td>");
            html.Append("</tr>\n");
        }
        if (!any) html.Append($"<tr><td colspan=\"{header.Length}\">None.</td></tr>\n");
        html.Append("</tbody></table>\n");
    }

    /// <summary>Horizontal bars, one per key.</summary>
    private static string Bars(IReadOnlyDictionary<string, int> counts)
    {
        if (counts.Count == 0) return "<p>None.</p>\n";
        const int row = 18, label = 110, width = 420;
        var max = counts.Values.Max();
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{label + width + 60}\" height=\"{counts.Count * row + 4}\" role=\"img\">\n");
        var y = 2;
        foreach (var (key, value) in counts)
        {
            var w = Math.Max(1, (int)Math.Round(width * (double)value / max));
            svg.Append($"<text x=\"0\" y=\"{y + 13}\" font-size=\"12\">{E(key)}</text><rect x=\"{label}\" y=\"{y}\" width=\"{w}\" height=\"{row - 4}\" fill=\"{Palette[0]}\"/>" +
                       $"<text x=\"{label + w + 4}\" y=\"{y + 13}\" font-size=\"12\">{value}</text>\n");
            y += row;
        }
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>One column per day, stacked by category, with a legend.</summary>
    private static string StackedBars(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> perDay)
    {
        if (perDay.Count == 0) return "<p>None.</p>\n";
        var categories = perDay.Values.SelectMany(d => d.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        const int height = 200, top = 10, legend = 20;
        var column = Math.Clamp(640 / perDay.Count, 3, 24);
        var max = perDay.Values.Max(d => d.Values.Sum());
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Math.Max(perDay.Count * column + 40, 400)}\" height=\"{top + height + 30 + legend * categories.Count}\" role=\"img\">\n");
        var x = 30;
        foreach (var (day, counts) in perDay)
        {
            var y = top + height;
            foreach (var (category, index) in categories.Select((c, i) => (c, i)))
            {
                var h = (int)Math.Round(height * (double)counts.GetValueOrDefault(category) / max);
                if (h == 0) continue;
                y -= h;
                svg.Append($"<rect x=\"{x}\" y=\"{y}\" width=\"{column - 1}\" height=\"{h}\" fill=\"{Palette[index % Palette.Length]}\"><title>{E(day)} {E(category)}: {counts[category]}</title></rect>\n");
            }
            x += column;
        }
        svg.Append($"<text x=\"0\" y=\"{top + 10}\" font-size=\"11\">{max}</text><text x=\"30\" y=\"{top + height + 14}\" font-size=\"11\">{E(perDay.Keys.First())}</text>\n");
        if (perDay.Count > 1)
            svg.Append($"<text x=\"{Math.Max(x, 230)}\" y=\"{top + height + 14}\" font-size=\"11\" text-anchor=\"end\">{E(perDay.Keys.Last())}</text>\n");
        for (var i = 0; i < categories.Count; i++)
        {
            var y = top + height + 30 + i * legend;
            svg.Append($"<rect x=\"30\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{Palette[i % Palette.Length]}\"/><text x=\"48\" y=\"{y + 11}\" font-size=\"12\">{E(categories[i])}</text>\n");
        }
        return svg.Append("</svg>\n").ToString();
    }

    private static string Counts(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "" : string.Join(", ", counts.Select(c => $"{E(c.Key)} {c.Value}"));

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
    private static string F(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";
    private static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
