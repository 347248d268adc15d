using System.Text.Json;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;

namespace ElectionFunctions.Tests;

/// <summary>The package sections of a generated election against counts computed here, independently of the aggregator.</summary>
public sealed class PackageAggregatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly List<ReportDocument> Reports = [.. GeneratedElection.Reports("2026-11-03-general", 3000, Start)];
    private static readonly Election Election = new() { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) };
    private static readonly (ElectionPackage Package, string[] Csv, PackageAggregator Aggregator) Built = Build();

    private static (ElectionPackage, string[], PackageAggregator) Build()
    {
        var writers = Enumerable.Range(0, 4).Select(_ => new StringWriter()).ToArray();
        PackageAggregator aggregator;
        using (var tables = new PackageTables(writers[0], writers[1], writers[2], writers[3]))
        {
            aggregator = new PackageAggregator(tables);
            foreach (var r in Reports) aggregator.Add(r);
        }
        return (aggregator.Build(Election, 45, "final", "final", null, Start.AddDays(30)), [.. writers.Select(w => w.ToString())], aggregator);
    }

    private static IEnumerable<ReportDocument> Shown => Reports.Where(r => r.Tlp != "RED" && r.Classification!.InScope);

    private static Dictionary<string, int> CountBy(IEnumerable<string> keys) => keys.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Every report but the TLP:RED ones, which are the total and their ids only (issue 16).</summary>
    private static IEnumerable<ReportDocument> NotRed => Reports.Where(r => r.Tlp != "RED");

    [Fact]
    public void Section_D_counts_every_report_but_shows_TLP_RED_only_as_a_total()
    {
        var d = Built.Package.SectionD;
        Assert.Equal(3000, Built.Package.Reports);
        Assert.True(Built.Package.RedReports > 0);
        Assert.Equal(Reports.Count(r => r.Tlp == "RED"), Built.Package.RedReports);
        Assert.Equal(CountBy(NotRed.SelectMany(r => r.Classification!.Categories)), d.ByCategory);
        Assert.Equal(CountBy(NotRed.Select(r => r.Report.Jurisdiction!.State!)), d.ByState);
        Assert.Equal(CountBy(Reports.Select(r => r.Tlp)), d.ByTlp);
        Assert.Equal(CountBy(NotRed.Select(r => r.Classification!.Severity)), d.BySeverity);
        Assert.Equal(CountBy(NotRed.Select(r => r.Status)), d.ByStatus);
        Assert.Equal(CountBy(NotRed.SelectMany(r => r.Routing.Where(a => a.Status == "sent").Select(a => a.Agency))), d.ByAgency);
        Assert.Equal(NotRed.Count(r => r.Status == "failed"), d.Failed);
        Assert.Equal(NotRed.Sum(r => r.Classification!.Categories.Count), d.ReceivedPerDayByCategory.Values.Sum(day => day.Values.Sum()));
        Assert.Equal(NotRed.Count(r => r.RoutedAt is not null), d.IntakeToRouting.Count);
        var exact = NotRed.Where(r => r.RoutedAt is not null).Select(r => (r.RoutedAt!.Value - r.ReceivedAt).TotalSeconds).Order().ToList();
        Assert.InRange(d.IntakeToRouting.P50!.Value, exact[(int)Math.Ceiling(0.5 * exact.Count) - 1] * 0.98, exact[(int)Math.Ceiling(0.5 * exact.Count) - 1] * 1.02);
        Assert.InRange(d.IntakeToRouting.P99!.Value, exact[(int)Math.Ceiling(0.99 * exact.Count) - 1] * 0.98, exact[(int)Math.Ceiling(0.99 * exact.Count) - 1] * 1.02);
        Assert.Equal(exact[^1], d.IntakeToRouting.Max);
    }

    [Fact]
    public void Section_A_counts_per_government_and_red_reports_only_as_counts()
    {
        foreach (var g in Built.Package.SectionA.Governments)
        {
            var mine = Shown.Where(r => r.Report.SuspectedForeignGovernments!.Contains(g.Country)).ToList();
            Assert.Equal(mine.Count, g.Reports);
            Assert.Equal(CountBy(mine.SelectMany(r => r.Classification!.Categories)), g.Categories);
            Assert.Equal(CountBy(mine.SelectMany(r => r.Report.Effects!)), g.Effects);
            Assert.Equal(mine.SelectMany(r => r.Report.NamedActors!).Count(), g.Persons.Sum(p => p.Reports));
        }
        Assert.Equal(Shown.SelectMany(r => r.Report.SuspectedForeignGovernments!).Distinct().Order(),
            Built.Package.SectionA.Governments.Where(g => g.Reports > 0).Select(g => g.Country));
    }

    [Fact]
    public void Section_B_counts_infrastructure_by_state_and_system_and_campaigns()
    {
        string[] election = ["voter-registration-database", "e-pollbook", "voting-machine", "tabulation", "results-transmission", "results-reporting-website", "election-office-network", "election-vendor"];
        var expected = Shown.Where(r => r.Classification!.Categories.Contains("election-infrastructure"))
            .SelectMany(r => r.Report.TargetedSystems!.Where(election.Contains).Select(t => $"{r.Report.Jurisdiction!.State}|{t}"));
        Assert.Equal(CountBy(expected), Built.Package.SectionB.Infrastructure.ToDictionary(i => $"{i.State}|{i.System}", i => i.Reports));
        var campaigns = Shown.Where(r => r.Classification!.Categories.Contains("campaign-infrastructure"))
            .SelectMany(r => r.Report.TargetedSystems!.Where(t => t is "campaign-network" or "campaign-email" or "party-organization" or "candidate")).Count();
        Assert.Equal(campaigns, Built.Package.SectionB.Campaigns.Sum(c => c.Reports));
        Assert.True(Built.Package.SectionB.Infrastructure.Sum(i => i.MaterialEffects.GetValueOrDefault("tabulation-affected")) > 0);
    }

    [Fact]
    public void Section_C_refers_every_named_foreign_actor_with_its_Sec_2_basis()
    {
        var expected = CountBy(Shown.SelectMany(r => r.Report.NamedActors!).Select(a => $"{a.Name}|{a.Kind}|{a.Country}|{a.Role}"));
        Assert.Equal(expected, Built.Package.SectionC.Referrals.ToDictionary(r => $"{r.Name}|{r.Kind}|{r.Country}|{r.Role}", r => r.Reports));
        Assert.All(Built.Package.SectionC.Referrals, r => Assert.StartsWith(r.Role switch { "engaged" => "Sec. 2(a)(i)", "supported" => "Sec. 2(a)(ii)", _ => "Sec. 2(a)(iii)" }, r.Basis));
    }

    [Fact]
    public void The_tables_hold_every_supporting_report_id_and_escape_formulas()
    {
        var (_, csv, _) = Built;
        var reportRows = csv[0].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3001, reportRows.Length);
        var red = Reports.First(r => r.Tlp == "RED");
        // Its id and its TLP, nothing else: no times, status, state, categories, agencies or governments.
        Assert.Contains(reportRows, row => row == $"{red.Id},,,,RED,,,,,,");
        Assert.Equal(Built.Package.SectionA.Governments.Sum(g => g.Reports) + 1, csv[1].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(Built.Package.SectionC.Referrals.Sum(r => r.Reports) + 1, csv[3].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("\n=HYPERLINK", csv[3]);
        Assert.Contains("'=HYPERLINK", csv[3]);
    }

    /// <summary>The fields of an RFC 4180 row (quoted when they hold a comma or a quote, quotes doubled).</summary>
    private static string[] Fields(string row)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < row.Length; i++)
        {
            var c = row[i];
            if (quoted && c == '"' && i + 1 < row.Length && row[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }

    [Fact]
    public void The_html_is_self_contained_and_escapes_every_text()
    {
        var html = PackageHtml.Render(Built.Package);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain(" href=", html);
        Assert.DoesNotContain("url(", html);
        Assert.Contains("<svg", html);
        Assert.Equal(html, PackageHtml.Render(Built.Package));
    }

    [Fact]
    public void The_package_and_its_page_say_the_strictest_TLP_of_what_they_show_first()
    {
        var (package, _, aggregator) = Built;
        Assert.Equal("AMBER+STRICT", package.Tlp);
        Assert.Equal(aggregator.StrictestTlp, package.Tlp);
        // Each table row says its report's TLP (the last column; reports.csv's fifth), and none is RED but the bare ids.
        var (_, csv, _) = Built;
        var tlps = Reports.ToDictionary(r => r.Id, r => r.Tlp);
        foreach (var (table, idColumn, tlpColumn) in new[] { (csv[1], 1, 6), (csv[2], 3, 5), (csv[3], 5, 6) })
        {
            var rows = table.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("tlp", rows[0].Split(',')[^1]);
            Assert.All(rows.Skip(1).Select(Fields), f => Assert.Equal(tlps[f[idColumn]], f[tlpColumn]));
            Assert.DoesNotContain(rows.Skip(1).Select(Fields), f => f[tlpColumn] == "RED");
        }
        var html = PackageHtml.Render(package);
        var label = html.IndexOf(">TLP:AMBER+STRICT</p>", StringComparison.Ordinal);
        Assert.True(label > 0 && label < html.IndexOf("<h1>", StringComparison.Ordinal), "the TLP label comes before the page's first heading");
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(package, ElectionJsonContext.Default.ElectionPackage));
        Assert.Equal("AMBER+STRICT", json.RootElement.GetProperty("tlp").GetString());
    }

    [Fact]
    public void The_STIX_export_is_valid_STIX_and_deterministic()
    {
        var (package, _, aggregator) = Built;
        var bundle = PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString();
        Assert.True(StixTests.IsValidStix(bundle));
        Assert.Equal(bundle, PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString());
        using var document = JsonDocument.Parse(bundle);
        var objects = document.RootElement.GetProperty("objects").EnumerateArray().ToList();
        Assert.Single(objects, o => o.GetProperty("type").GetString() == "report");
        Assert.Contains(objects, o => o.GetProperty("type").GetString() == "threat-actor" && o.GetProperty("name").GetString() == "APT42");
        Assert.Contains(objects, o => o.GetProperty("type").GetString() == "indicator" && o.GetProperty("pattern").GetString()!.Contains("198.51.100."));
        // No TLP:RED content: the strictest marking of what is shown is AMBER+STRICT.
        Assert.Equal("AMBER+STRICT", aggregator.StrictestTlp);
        Assert.Contains(objects, o => o.GetProperty("id").GetString() == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
    }

    [Fact]
    public void Every_STIX_id_names_one_object()
    {
        // The generated election names one actor in several roles (engaged, sponsor): each is its own threat actor.
        var (package, _, aggregator) = Built;
        Assert.Contains(package.SectionA.Governments.SelectMany(g => g.Persons).GroupBy(p => (p.Name, p.Kind, p.Country)), g => g.Select(p => p.Role).Distinct().Count() > 1);
        using var document = JsonDocument.Parse(PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString());
        var objects = document.RootElement.GetProperty("objects").EnumerateArray().ToList();
        var ids = objects.Select(o => o.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // One threat actor per person and role, as section A names them.
        Assert.Equal(package.SectionA.Governments.SelectMany(g => g.Persons).Select(p => (p.Name, p.Kind, p.Country, p.Role)).Distinct().Count(),
            objects.Count(o => o.GetProperty("type").GetString() == "threat-actor"));
        var refs = document.RootElement.GetProperty("objects").EnumerateArray().Single(o => o.GetProperty("type").GetString() == "report")
            .GetProperty("object_refs").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(refs.Count, refs.Distinct().Count());
    }

    [Fact]
    public void Percentiles_are_within_two_percent()
    {
        var histogram = new LogHistogram();
        var values = Enumerable.Range(1, 10_000).Select(i => i * 0.37).ToList();
        foreach (var v in values) histogram.Add(v);
        var summary = histogram.Summary();
        Assert.InRange(summary.P50!.Value, values[4999] * 0.98, values[4999] * 1.02);
        Assert.InRange(summary.P95!.Value, values[9499] * 0.98, values[9499] * 1.02);
        Assert.Equal(values[^1], summary.Max!.Value, 3);
    }
}

public sealed class PackageSchemaTests
{
    [Fact]
    public void Package_json_validates_against_its_published_schema()
    {
        var schema = Json.Schema.JsonSchema.FromText(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "schemas", "package-v1.json")),
            new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });
        var writers = Enumerable.Range(0, 4).Select(_ => new StringWriter()).ToArray();
        var aggregator = new PackageAggregator(new PackageTables(writers[0], writers[1], writers[2], writers[3]));
        foreach (var r in GeneratedElection.Reports("2026-11-03-general", 400, new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero))) aggregator.Add(r);
        var election = new Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) };
        foreach (var package in new[]
        {
            aggregator.Build(election, 45, "draft-001", "draft", null, DateTimeOffset.UnixEpoch),
            aggregator.Build(election, 45, "addendum-002", "addendum", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1)),
        })
        {
            using var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(package, ElectionJsonContext.Default.ElectionPackage));
            var result = schema.Evaluate(json.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List, RequireFormatValidation = true });
            Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}"))));
        }
        using var broken = JsonDocument.Parse("{\"schemaVersion\":\"1.0\",\"version\":\"draft-1\"}");
        Assert.False(schema.Evaluate(broken.RootElement).IsValid);
    }
}
