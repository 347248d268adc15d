using ElectionFunctions.Reporting;

namespace ElectionFunctions.Tests;

/// <summary>Section A's incidents: connected components of shared correlation keys, folded as the reports stream.</summary>
public sealed class PackageIncidentsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);

    private static ReportDocument Report(int i, string partner, string state, string tlp, params string[] keys)
    {
        var r = GeneratedElection.Reports("2026-11-03-general", 1, Start, seed: i).Single();
        return r with
        {
            Id = i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), PartnerId = partner, Tlp = tlp, ReceivedAt = Start.AddHours(i),
            Report = r.Report with { Jurisdiction = new Intake.Jurisdiction(state, null), Tlp = tlp },
            Classification = r.Classification! with { InScope = true, Categories = ["influence-operation"], CorrelationKeys = keys },
        };
    }

    [Fact]
    public void Reports_linked_through_one_another_are_one_incident_and_a_lone_report_or_a_RED_one_is_in_none()
    {
        using var tables = new PackageTables(TextWriter.Null, TextWriter.Null, TextWriter.Null, TextWriter.Null);
        var aggregator = new PackageAggregator(tables);
        aggregator.Add(Report(1, "ga-sos", "GA", "AMBER", "domain:a.example"));
        aggregator.Add(Report(2, "pa-dos", "PA", "GREEN", "ipv4:45.9.148.10"));
        // Shares one key with each: the first two become one incident through it.
        aggregator.Add(Report(3, "ga-sos", "GA", "AMBER", "domain:a.example", "ipv4:45.9.148.10", "actor:apt28"));
        aggregator.Add(Report(4, "az-sos", "AZ", "AMBER", "domain:lone.example"));
        aggregator.Add(Report(5, "az-sos", "AZ", "RED", "domain:a.example"));
        var a = aggregator.Build(new Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) }, 45, "draft-001", "draft", null, Start.AddDays(2)).SectionA;

        Assert.Equal(1, a.IncidentCount);
        var incident = Assert.Single(a.Incidents);
        Assert.Equal((3, Start.AddHours(1), Start.AddHours(3), 2, 3), (incident.Reports, incident.FirstSeen, incident.LastSeen, incident.Partners, incident.Keys));
        Assert.Equal(["GA", "PA"], incident.States);
        Assert.Equal(["apt28"], incident.Actors);
        Assert.Equal(["actor:apt28", "domain:a.example", "ipv4:45.9.148.10"], incident.SampleKeys);
    }

    [Fact]
    public void The_STIX_export_holds_an_incident_as_a_valid_grouping_of_the_indicators_it_shares()
    {
        using var tables = new PackageTables(TextWriter.Null, TextWriter.Null, TextWriter.Null, TextWriter.Null);
        var aggregator = new PackageAggregator(tables);
        foreach (var (i, partner) in new[] { (1, "ga-sos"), (2, "pa-dos") })
        {
            var r = Report(i, partner, "GA", "AMBER", "domain:a.example");
            aggregator.Add(r with { Report = r.Report with { Indicators = [new Intake.Indicator("domain", "a.example")] } });
        }
        var package = aggregator.Build(new Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) }, 45, "draft-001", "draft", null, Start.AddDays(2));
        var bundle = PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString();
        Assert.True(StixTests.IsValidStix(bundle));
        using var document = System.Text.Json.JsonDocument.Parse(bundle);
        var objects = document.RootElement.GetProperty("objects").EnumerateArray().ToList();
        var grouping = Assert.Single(objects, o => o.GetProperty("type").GetString() == "grouping");
        var indicator = Assert.Single(objects, o => o.GetProperty("type").GetString() == "indicator" && o.GetProperty("pattern").GetString() == "[domain-name:value = 'a.example']");
        Assert.Equal([indicator.GetProperty("id").GetString()], grouping.GetProperty("object_refs").EnumerateArray().Select(r => r.GetString()));
    }
}
