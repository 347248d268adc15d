// Over 200 lines: one case per way a marking is written in the wild (TLP 1.0, 2.0, OpenCTI, MISP, malformed, custom).
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Tests;

/// <summary>
/// TLP from STIX markings as partner tools write them: TLP 1.0 and 2.0 ids, OpenCTI's AMBER+STRICT and PAP,
/// markings on any object and in granular markings; the strictest wins and an unknown marking is read as RED.
/// </summary>
public sealed class TlpMarkingTests
{
    private const string Report = "report--6b7c8d9e-0f1a-4b2c-9d3e-5f6a7b8c9da4";
    private const string Red1 = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
    private const string Clear2 = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

    private static OneMapped Map(string json)
    {
        using var document = JsonDocument.Parse(json);
        return OneMapped.From(new StixBundleMapper().Map(document.RootElement));
    }

    /// <summary>The project's incident bundle, AMBER on its report and no other marking, with a change.</summary>
    private static string Incident(Action<JsonArray> change)
    {
        var bundle = JsonNode.Parse(TestPaths.Sample("incident.stix.json"))!;
        foreach (var o in bundle["objects"]!.AsArray().Where(o => o!["type"]!.GetValue<string>() != "report")) o!.AsObject().Remove("object_marking_refs");
        change(bundle["objects"]!.AsArray());
        return bundle.ToJsonString();
    }

    private static JsonNode Object(JsonArray objects, string type) => objects.First(o => o!["type"]!.GetValue<string>() == type)!;

    public static TheoryData<string, string> KnownIds => new()
    {
        { "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "CLEAR" },
        { "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "GREEN" },
        { "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "AMBER" },
        { "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "AMBER+STRICT" },
        { "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "RED" },
        { "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "CLEAR" },
        { "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "GREEN" },
        { "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "AMBER" },
        { "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "RED" },
        { "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", "AMBER+STRICT" },
    };

    [Theory]
    [MemberData(nameof(KnownIds))]
    public void Every_TLP_1_0_and_2_0_id_and_OpenCTIs_amber_strict_is_read_by_id(string id, string tlp)
    {
        var mapped = Map(Incident(o => Object(o, "report")["object_marking_refs"] = new JsonArray(id)));
        Assert.Equal(tlp, mapped.Report!.Tlp);
        Assert.Contains(id, mapped.Tlp!.Source);
        Assert.Empty(mapped.Tlp.Reasons);
    }

    [Fact]
    public void A_MISP_export_with_RED_on_an_indicator_is_RED_though_its_event_is_GREEN()
    {
        var mapped = Map(TestPaths.Sample("misp-export.stix.json"));
        Assert.Empty(mapped.Errors);
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Equal($"{Red1} (TLP 1.0) in object_marking_refs of indicator--91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f", mapped.Tlp!.Source);
        // MISP writes no description on its event: the attributes' descriptions make the narrative; the defanged address is refanged.
        Assert.Contains("GRU Unit 26165", mapped.Report.Narrative);
        Assert.Equal([new Indicator("domain", "sos-voter-portal.example"), new Indicator("email", "helpdesk@sos-voter-portal.example")], mapped.Report.Indicators);
        var validated = ContractTests.Validator.ValidateMapped(mapped.Report, mapped.Source, mapped.Tlp);
        Assert.Equal("RED", validated.Report!.Tlp);
        Assert.Same(mapped.Tlp, validated.Tlp);
    }

    [Fact]
    public void An_OpenCTI_export_is_AMBER_STRICT_and_its_PAP_marking_sets_no_TLP()
    {
        var mapped = Map(TestPaths.Sample("opencti-export.stix.json"));
        Assert.Empty(mapped.Errors);
        Assert.Equal("AMBER+STRICT", mapped.Report!.Tlp);
        Assert.StartsWith("marking-definition--826578e1-40ad-459f-bc73-ede076f81f37 (OpenCTI) in object_marking_refs of report--", mapped.Tlp!.Source);
        Assert.Empty(mapped.Tlp.Reasons);
        Assert.Equal(new NamedActor("APT28", "organization", null, "engaged"), Assert.Single(mapped.Report.NamedActors!));
        Assert.Equal("cyber-desk@fusion.example", mapped.Report.Contact!.Email);
    }

    [Fact]
    public void A_PAP_marking_that_claims_another_name_is_not_taken_for_PAP()
    {
        var bundle = JsonNode.Parse(TestPaths.Sample("opencti-export.stix.json"))!;
        var pap = bundle["objects"]!.AsArray().First(o => o!["definition_type"]?.GetValue<string>() == "PAP")!;
        pap["name"] = "Handle as you like";
        var mapped = Map(bundle.ToJsonString());
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains(mapped.Tlp!.Reasons, r => r.Rule == TlpMarkings.UnrecognisedRule && r.Evidence.Contains("8e5f1d2c-3b4a-4c5d-9e6f-7a8b9c0d1e2f"));
    }

    [Fact]
    public void A_granular_marking_counts()
    {
        var mapped = Map(Incident(o => Object(o, "report")["granular_markings"] = JsonNode.Parse($$"""[{"marking_ref":"{{Red1}}","selectors":["description"]}]""")));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Equal($"{Red1} (TLP 1.0) in granular_markings of {Report}", mapped.Tlp!.Source);
    }

    [Fact]
    public void A_language_granular_marking_is_no_handling_restriction() =>
        Assert.Equal("AMBER", Map(Incident(o => Object(o, "report")["granular_markings"] = JsonNode.Parse("""[{"lang":"en","selectors":["description"]}]"""))).Report!.Tlp);

    [Theory]
    [InlineData("location")]
    [InlineData("identity")]
    [InlineData("intrusion-set")]
    [InlineData("indicator")]
    [InlineData("relationship")]
    public void A_marking_on_any_object_of_the_bundle_counts(string type)
    {
        var mapped = Map(Incident(o => Object(o, type)["object_marking_refs"] = new JsonArray(Red1)));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains($"of {type}--", mapped.Tlp!.Source);
    }

    [Fact]
    public void Of_two_markings_on_the_report_the_strictest_wins() =>
        Assert.Equal("RED", Map(Incident(o => Object(o, "report")["object_marking_refs"] = new JsonArray(Clear2, Red1))).Report!.Tlp);

    [Fact]
    public void A_custom_statement_marking_is_read_as_RED_and_said_in_the_reasons()
    {
        const string statement = "marking-definition--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
        var mapped = Map(Incident(o =>
        {
            o.Add(JsonNode.Parse($$$"""
                {"type":"marking-definition","spec_version":"2.1","id":"{{{statement}}}","created":"2026-01-01T00:00:00Z",
                 "definition_type":"statement","definition":{"statement":"Copyright 2026 County Elections. Do not forward."}}
                """));
            Object(o, "report")["object_marking_refs"] = new JsonArray(Clear2, statement);
        }));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains("unrecognised", mapped.Tlp!.Source);
        var reason = Assert.Single(mapped.Tlp.Reasons);
        Assert.Equal(TlpMarkings.UnrecognisedRule, reason.Rule);
        Assert.Contains(statement, reason.Evidence);
    }

    [Fact]
    public void A_reference_to_a_marking_neither_in_the_bundle_nor_known_is_read_as_RED()
    {
        const string missing = "marking-definition--00000000-0000-4000-8000-00000000abcd";
        var mapped = Map(Incident(o => Object(o, "indicator")["object_marking_refs"] = new JsonArray(missing)));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains(missing, Assert.Single(mapped.Tlp!.Reasons).Evidence);
    }

    [Fact]
    public void A_TLP_looking_definition_under_an_unknown_id_is_not_trusted()
    {
        // TLP markings have fixed ids; a definition that says "tlp: white" under another id is someone's own marking.
        const string fake = "marking-definition--11111111-2222-4333-8444-555555555555";
        var mapped = Map(Incident(o =>
        {
            o.Add(JsonNode.Parse($$$"""{"type":"marking-definition","spec_version":"2.1","id":"{{{fake}}}","created":"2026-01-01T00:00:00Z","definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}}"""));
            Object(o, "report")["object_marking_refs"] = new JsonArray(fake);
        }));
        Assert.Equal("RED", mapped.Report!.Tlp);
    }

    [Fact]
    public void A_bundle_without_markings_is_AMBER_and_says_it_is_the_default()
    {
        var mapped = Map(Incident(o => Object(o, "report").AsObject().Remove("object_marking_refs")));
        Assert.Equal("AMBER", mapped.Report!.Tlp);
        Assert.StartsWith("default", mapped.Tlp!.Source);
    }

    [Fact]
    public void A_native_body_says_whether_its_tlp_was_sent_or_defaulted()
    {
        using var sent = JsonDocument.Parse("""{"schemaVersion":"1.0","title":"t","narrative":"n","observedAt":"2026-11-03T21:40:00Z","tlp":"GREEN"}""");
        using var defaulted = JsonDocument.Parse("""{"schemaVersion":"1.0","title":"t","narrative":"n","observedAt":"2026-11-03T21:40:00Z"}""");
        Assert.Equal(("GREEN", "tlp field"), (ContractTests.Validator.Validate(sent.RootElement).Tlp!.Tlp, ContractTests.Validator.Validate(sent.RootElement).Tlp!.Source));
        Assert.Equal("AMBER", ContractTests.Validator.Validate(defaulted.RootElement).Tlp!.Tlp);
        Assert.StartsWith("default", ContractTests.Validator.Validate(defaulted.RootElement).Tlp!.Source);
    }

    [Theory]
    [InlineData("\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"", "object_marking_refs")]
    [InlineData("{\"ref\":\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"}", "object_marking_refs")]
    [InlineData("[\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"]", "granular_markings")]
    [InlineData("[{\"marking_ref\":42,\"selectors\":[\"name\"]}]", "granular_markings")]
    [InlineData("[{\"selectors\":[\"name\"]}]", "granular_markings")]
    public void A_marking_property_of_the_wrong_shape_is_read_as_RED(string json, string property)
    {
        var mapped = Map(Incident(o => Object(o, "indicator")[property] = JsonNode.Parse(json)));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains(mapped.Tlp!.Reasons, r => r.Rule == TlpMarkings.UnrecognisedRule);
    }

    [Fact]
    public void A_marking_on_a_marking_definition_counts()
    {
        var mapped = Map(TestPaths.Sample("opencti-export.stix.json").Replace(
            "\"name\": \"TLP:CLEAR\",", $"\"name\": \"TLP:CLEAR\", \"object_marking_refs\": [\"{Red1}\"],"));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains("of marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", mapped.Tlp!.Source);
    }

    [Fact]
    public void A_known_id_whose_definition_in_the_bundle_says_stricter_is_read_as_the_stricter()
    {
        // The CLEAR (TLP 1.0 WHITE) id, defined in the bundle as TLP:RED: someone's mistake either way, so the stricter.
        var mapped = Map(Incident(o =>
        {
            o.Add(JsonNode.Parse("""{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:RED","definition":{"tlp":"red"}}"""));
            Object(o, "report")["object_marking_refs"] = new JsonArray("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9");
        }));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Contains("says RED", Assert.Single(mapped.Tlp!.Reasons).Evidence);
    }

    [Fact]
    public void A_PAP_definition_that_also_carries_TLP_content_is_not_taken_for_PAP()
    {
        var bundle = JsonNode.Parse(TestPaths.Sample("opencti-export.stix.json"))!;
        var pap = bundle["objects"]!.AsArray().First(o => o!["definition_type"]?.GetValue<string>() == "PAP")!;
        pap["definition"]!["tlp"] = "white";
        Assert.Equal("RED", Map(bundle.ToJsonString()).Report!.Tlp);
    }

    [Fact]
    public void Reasons_for_unrecognised_markings_are_capped_with_a_count()
    {
        var refs = new JsonArray([.. Enumerable.Range(0, 50).Select(i => (JsonNode)$"marking-definition--00000000-0000-4000-8000-{i:D12}")]);
        var mapped = Map(Incident(o => Object(o, "report")["object_marking_refs"] = refs));
        Assert.Equal("RED", mapped.Report!.Tlp);
        Assert.Equal(TlpMarkings.MaxReasons + 1, mapped.Tlp!.Reasons.Count);
        Assert.StartsWith("40 more", mapped.Tlp.Reasons[^1].Evidence);
    }
}
