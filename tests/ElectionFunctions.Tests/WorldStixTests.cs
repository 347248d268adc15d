using System.Text.Json;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;

namespace ElectionFunctions.Tests;

/// <summary>
/// STIX as partners' tools send it (tests/Samples/stix-world, written after the specification's examples and MISP's and
/// OpenCTI's exports by someone who did not read the mapper): valid STIX by the OASIS schemas, taken as one report, several,
/// or refused with a reason a partner can act on.
/// </summary>
public sealed class WorldStixTests
{
    private static string World(string name) => TestPaths.Sample(Path.Combine("stix-world", name));

    private static (StixBundleMapper.Mapping Mapping, List<Validated> Validated) Read(string name)
    {
        using var document = JsonDocument.Parse(World(name));
        var mapping = new StixBundleMapper().Map(document.RootElement);
        return (mapping, [.. mapping.Reports.Select(m => ContractTests.Validator.ValidateMapped(m.Report, m.Source, m.Tlp))]);
    }

    public static TheoryData<string> Valid() =>
    [
        "spec-indicator-c2.json", "spec-indicator-campaign.json", "spec-infrastructure.json", "spec-malicious-email.json",
        "spec-threat-report-2015.json", "spec-threat-report-2017.json", "misp-event-election.json", "misp-attributes-only.json",
        "opencti-report-election.json", "opencti-two-reports.json", "invalid-dangling-ref.json",
    ];

    [Theory]
    [MemberData(nameof(Valid))]
    public void Each_bundle_partners_send_is_taken_as_valid_reports(string name)
    {
        if (name != "invalid-dangling-ref.json") Assert.True(StixTests.IsValidStix(World(name)), $"{name} is not valid STIX by the OASIS schemas.");
        var (mapping, validated) = Read(name);
        Assert.Empty(mapping.Errors);
        Assert.NotEmpty(validated);
        Assert.All(validated, v => Assert.True(v.Verdict == Verdict.Valid, string.Join("; ", v.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))));
    }

    [Theory]
    [InlineData("spec-indicator-c2.json", "Indicator IP Address for known C2 channel")]
    [InlineData("spec-indicator-campaign.json", "Campaign ")]
    [InlineData("spec-infrastructure.json", "Infrastructure ")]
    public void A_bundle_without_a_report_is_one_report_told_by_its_objects(string name, string titleStart)
    {
        var (mapping, validated) = Read(name);
        var report = Assert.Single(validated).Report!;
        Assert.StartsWith(titleStart, report.Title);
        Assert.False(string.IsNullOrWhiteSpace(report.Narrative));
        Assert.NotEmpty(report.Indicators);
        Assert.StartsWith("bundle--", Assert.Single(mapping.Reports).Source);
    }

    [Theory]
    [InlineData("spec-threat-report-2015.json")]
    [InlineData("spec-threat-report-2017.json")]
    public void A_report_from_years_without_a_federal_election_is_kept_out_of_scope_not_refused(string name)
    {
        var (_, validated) = Read(name);
        var v = Assert.Single(validated);
        Assert.Equal(Elections.None, v.Report!.ElectionId);
        Assert.Contains(v.Reasons, r => r.Rule == Elections.NoneRule);
        var classification = ShippedSettings.Classifier().Classify(v.Report);
        Assert.False(classification.InScope);
        Assert.Contains(classification.Reasons, r => r.Rule == Elections.NoneRule);
    }

    [Fact]
    public void A_MISP_event_maps_its_attributes_its_TLP_1_0_marking_and_names_its_custom_object_as_ignored()
    {
        var (mapping, validated) = Read("misp-event-election.json");
        var report = Assert.Single(validated).Report!;
        Assert.Equal("2024-11-05-general", report.ElectionId);
        Assert.Equal("AMBER", report.Tlp);
        Assert.Equal(["domain", "email", "ipv4", "sha256", "url"], report.Indicators.Select(i => i.Type).Distinct().Order());
        Assert.Contains("x-misp-attribute", mapping.IgnoredTypes);
    }

    [Fact]
    public void A_MISP_feed_without_a_report_takes_its_GREEN_markings()
    {
        var (_, validated) = Read("misp-attributes-only.json");
        var report = Assert.Single(validated).Report!;
        Assert.Equal("GREEN", report.Tlp);
        Assert.True(report.Indicators.Count >= 5);
    }

    [Fact]
    public void An_OpenCTI_report_is_AMBER_STRICT_and_its_country_name_becomes_a_government()
    {
        var (_, validated) = Read("opencti-report-election.json");
        var report = Assert.Single(validated).Report!;
        Assert.Equal("AMBER+STRICT", report.Tlp);
        Assert.Equal("2024-11-05-general", report.ElectionId);
        // OpenCTI writes the country's name ("Russia"), STIX asks for the code.
        Assert.Contains("RU", report.SuspectedForeignGovernments);
        Assert.Contains(report.NamedActors, a => a.Name == "VELVET QUARRY" && a.Country == "RU");
    }

    [Fact]
    public void Two_reports_in_one_bundle_are_two_reports_each_with_what_it_references()
    {
        var (mapping, validated) = Read("opencti-two-reports.json");
        Assert.Equal(2, validated.Count);
        Assert.Equal(["Ransomware incident at a voter-registration software vendor", "Election-night DDoS against the state results website"],
            validated.Select(v => v.Report!.Title));
        // The indicator both reference is in both; a network range is valid STIX but no one address, so it stays in the evidence.
        Assert.All(validated, v => Assert.Contains(new Indicator("ipv4", "198.51.100.203"), v.Report!.Indicators));
        Assert.All(validated, v => Assert.DoesNotContain(v.Report!.Indicators, i => i.Value!.Contains('/')));
        Assert.NotEqual(mapping.Reports[0].Identity, mapping.Reports[1].Identity);
    }

    [Theory]
    [InlineData("invalid-missing-id.json", "objects[3]", "<type>--<UUID>")]
    [InlineData("invalid-stix20.json", "objects[0]", "STIX 2.0")]
    public void What_is_not_STIX_2_1_is_refused_naming_the_object_and_the_fix(string name, string where, string why)
    {
        var (mapping, validated) = Read(name);
        Assert.Empty(validated);
        var error = Assert.Single(mapping.Errors, e => e.Key.StartsWith(where, StringComparison.Ordinal));
        Assert.Contains(error.Value, m => m.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public void Several_versions_of_one_object_are_read_as_the_latest_and_observables_alone_take_the_receipt_time()
    {
        var indicator = """{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-10-01T00:00:00.000Z","modified":"MODIFIED","name":"NAME","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-10-01T00:00:00.000Z"}""";
        var bundle = $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{{indicator.Replace("MODIFIED", "2024-10-02T00:00:00.000Z").Replace("NAME", "later")}},{{indicator.Replace("MODIFIED", "2024-10-01T00:00:00.000Z").Replace("NAME", "earlier")}}]}""";
        using var versions = JsonDocument.Parse(bundle);
        var mapped = Assert.Single(new StixBundleMapper().Map(versions.RootElement).Reports);
        Assert.Contains("later", mapped.Report.Title);

        var received = new DateTimeOffset(2024, 10, 21, 8, 0, 0, TimeSpan.Zero);
        using var observables = JsonDocument.Parse($$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}]}""");
        var composed = Assert.Single(new StixBundleMapper().Map(observables.RootElement, new StixContext(null, null) { ReceivedAt = received }).Reports);
        Assert.Equal(received, composed.Report.ObservedAt);
        Assert.Equal([new Indicator("ipv4", "198.51.100.3")], composed.Report.Indicators);
    }
}
