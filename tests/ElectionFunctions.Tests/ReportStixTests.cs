using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Correlation;
using ElectionFunctions.Intake;
using ElectionFunctions.Routing;
using ElectionFunctions.Taxii;

namespace ElectionFunctions.Tests;

/// <summary>What an agency's TAXII collection holds for a routed report: valid STIX, every object marked, links no weaker than what they point to, items that fit Cosmos DB.</summary>
public sealed class ReportStixTests
{
    private static ReportDocument Routed(string tlp, IReadOnlyList<Indicator>? indicators = null) =>
        Reports.Classified(Reports.Native(["tabulation"], ["access-gained"], ["RU"], [new NamedActor("Sandworm", "organization", "RU", "engaged")], tlp: tlp) with
        {
            Indicators = indicators ?? [new Indicator("domain", "results-ga.example")],
        });

    private static string Marking(JsonObject o) => Assert.Single(o["object_marking_refs"]!.AsArray())!.GetValue<string>();

    [Fact]
    public void Every_object_is_valid_STIX_and_carries_the_reports_marking()
    {
        var objects = ReportStix.For(AgencyMessage.For("dhs", Routed("AMBER"), []));
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone()), ReportStix.Identity()]) };
        Assert.True(StixTests.IsValidStix(bundle.ToJsonString()));
        Assert.All(objects, o => Assert.Equal("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Marking(o)));
        Assert.Equal("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Marking(ReportStix.Identity()));
        var report = Assert.Single(objects, o => o["type"]!.GetValue<string>() == "report");
        Assert.Equal(objects.Count - 1, report["object_refs"]!.AsArray().Count);
    }

    [Fact]
    public void A_link_to_an_earlier_RED_report_is_RED_though_the_report_is_GREEN()
    {
        var related = new[] { new RelatedReport("fedcba9876543210fedcba9876543210", ["domain:results-ga.example"]) { Tlp = "RED" } };
        var objects = ReportStix.For(AgencyMessage.For("odni", Routed("GREEN"), [], related));
        var link = Assert.Single(objects, o => o["relationship_type"]?.GetValue<string>() == "related-to");
        Assert.Equal(ReportStix.ReportObjectId("fedcba9876543210fedcba9876543210"), link["target_ref"]!.GetValue<string>());
        Assert.Equal("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Marking(link));
        Assert.Contains("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", ReportStix.MarkingsOf(objects));
        // A link whose earlier report's TLP is not known is read as RED: fail closed.
        var unknown = ReportStix.For(AgencyMessage.For("odni", Routed("GREEN"), [], [new RelatedReport("fedcba9876543210fedcba9876543210", ["k"])]));
        Assert.Equal("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Marking(Assert.Single(unknown, o => o["relationship_type"]?.GetValue<string>() == "related-to")));
    }

    [Fact]
    public void A_report_at_the_indicator_limit_is_cut_into_parts_that_fit_an_item_in_order()
    {
        // 500 URLs of ~2,000 characters: one item would pass Cosmos DB's 2 MB.
        var urls = Enumerable.Range(0, 500).Select(i => new Indicator("url", $"https://phish-{i}.example/{new string('a', 2000)}")).ToList();
        var objects = ReportStix.For(AgencyMessage.For("dhs", Routed("AMBER", urls), []));
        var parts = TaxiiFeed.Parts(objects);
        Assert.True(parts.Count >= 2, $"{parts.Count} part(s)");
        Assert.All(parts, p => Assert.InRange(JsonSerializer.SerializeToUtf8Bytes(new JsonArray([.. p.Select(o => (JsonNode)o.DeepClone())])).Length, 1, TaxiiFeed.MaxEntryBytes + 1000));
        Assert.Equal(objects.Select(o => o["id"]!.GetValue<string>()), parts.SelectMany(p => p).Select(o => o["id"]!.GetValue<string>()));
        Assert.Equal("report", parts[0][0]["type"]!.GetValue<string>());
    }
}
