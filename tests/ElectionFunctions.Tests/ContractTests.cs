using System.Text.Json;
using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using Microsoft.Extensions.Configuration;

namespace ElectionFunctions.Tests;

/// <summary>The native contract: the published JSON Schema, then the checks a schema cannot make.</summary>
public sealed class ContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    internal static readonly ReportSchema Schema = new();
    internal static readonly SubmissionValidator Validator = new(Schema,
        new ConfigurationBuilder().AddElectionSettingsDefaults().Build().GetSection(ElectionsOptions.Section).Get<ElectionsOptions>()!,
        new IntakeOptions(), new FixedTime(Now));

    private const string Minimal = """{"schemaVersion":"1.0","title":"t","narrative":"n","observedAt":"2026-11-03T21:40:00Z"}""";

    private static Validated Validate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Validator.Validate(document.RootElement);
    }

    /// <summary>Minimal with the given members added or replaced.</summary>
    private static string With(string members)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(Minimal)!.AsObject();
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse("{" + members + "}")!.AsObject().ToList())
            body[name] = value?.DeepClone();
        return body.ToJsonString();
    }

    [Fact]
    public void The_embedded_schema_is_the_published_one() =>
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot, "docs", "schemas", "report-v1.json")), Schema.Bytes);

    [Fact]
    public void The_API_md_example_is_valid_and_normalised()
    {
        var (report, errors) = Validate(TestPaths.Sample("incident.native.json"));
        Assert.Empty(errors);
        Assert.Equal("2026-11-03-general", report!.ElectionId);
        Assert.Equal("GA", report.Jurisdiction!.State);
        Assert.Equal("Emennet Pasargad", Assert.Single(report.NamedActors!).Name);
    }

    [Fact]
    public void Minimal_body_gets_defaults_and_an_inferred_election()
    {
        var (report, errors) = Validate(Minimal);
        Assert.Empty(errors);
        Assert.Equal("2026-11-03-general", report!.ElectionId);
        Assert.Equal("AMBER", report.Tlp);
        Assert.True(report.FederalContest);
    }

    [Fact]
    public void Missing_required_fields_are_each_named()
    {
        var (report, errors) = Validate("{}");
        Assert.Null(report);
        Assert.Equal(["narrative", "observedAt", "schemaVersion", "title"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, m => Assert.Equal(["Required."], m));
    }

    [Theory]
    [InlineData("\"targetedSystems\":[\"toaster\"]", "targetedSystems[0]", "voter-registration-database")]
    [InlineData("\"effects\":[\"access-gained\",\"vibes\"]", "effects[1]", "tabulation-affected")]
    [InlineData("\"tlp\":\"PURPLE\"", "tlp", "AMBER+STRICT")]
    [InlineData("\"jurisdiction\":{\"state\":\"XX\"}", "jurisdiction.state", "GA")]
    [InlineData("\"namedActors\":[{\"name\":\"x\",\"kind\":\"robot\"}]", "namedActors[0].kind", "organization")]
    [InlineData("\"indicators\":[{\"type\":\"ssn\",\"value\":\"1\"}]", "indicators[0].type", "sha256")]
    [InlineData("\"recipients\":[\"cia\"],\"tlp\":\"RED\"", "recipients[0]", "treasury")]
    public void Unknown_vocabulary_values_are_rejected_with_the_allowed_list(string member, string field, string oneAllowed)
    {
        var (_, errors) = Validate(With(member));
        Assert.Equal([field], errors.Keys);
        Assert.StartsWith("Allowed: ", errors[field][0]);
        Assert.Contains(oneAllowed, errors[field][0]);
    }

    [Theory]
    [InlineData("\"colour\":\"red\"", "colour", "Unknown field.")]
    [InlineData("\"title\":null", "title", null)]
    [InlineData("\"effects\":\"access-gained\"", "effects", null)]
    [InlineData("\"federalContest\":\"yes\"", "federalContest", null)]
    [InlineData("\"title\":\"a\\u0007b\"", "title", "Invalid characters or format.")]
    [InlineData("\"narrative\":\"a\\u0000b\"", "narrative", "Invalid characters or format.")]
    [InlineData("\"observedAt\":\"yesterday\"", "observedAt", null)]
    [InlineData("\"schemaVersion\":\"2.0\"", "schemaVersion", "Allowed: 1.0.")]
    [InlineData("\"partnerReference\":\"<script>alert(1)</script>\"", "partnerReference", "Invalid characters or format.")]
    [InlineData("\"electionId\":\"<script>\"", "electionId", "Invalid characters or format.")]
    [InlineData("\"effects\":[\"intimidation\",\"intimidation\"]", "effects", null)]
    [InlineData("\"contact\":{\"email\":\"not an email\"}", "contact.email", "Invalid characters or format.")]
    public void Field_errors_name_the_field(string member, string field, string? message)
    {
        var json = With(member);
        var (report, errors) = Validate(json);
        Assert.Null(report);
        Assert.Contains(field, errors.Keys);
        if (message is not null) Assert.Contains(message, errors[field]);
    }

    [Fact]
    public void Huge_strings_are_refused_by_length()
    {
        var (_, errors) = Validate(With($"\"partnerReference\":\"{new string('a', 101)}\""));
        Assert.Contains("partnerReference", errors.Keys);
        Assert.Contains("title", Validate(With($"\"title\":\"{new string('t', 301)}\"")).Errors.Keys);
    }

    [Fact]
    public void Script_in_free_text_is_data_not_an_error()
    {
        // A partner may quote what an attacker planted; it is stored as text and escaped wherever it is shown.
        var (report, errors) = Validate(With("\"narrative\":\"Defaced page held <script>alert(1)</script>\""));
        Assert.Empty(errors);
        Assert.Contains("<script>", report!.Narrative);
    }

    [Fact]
    public void Observations_in_the_future_beyond_clock_skew_are_rejected()
    {
        Assert.Empty(Validate(Minimal.Replace("2026-11-03T21:40:00Z", "2026-11-24T12:04:00Z")).Errors);
        Assert.Equal(["observedAt"], Validate(Minimal.Replace("2026-11-03T21:40:00Z", "2026-11-24T12:06:00Z")).Errors.Keys);
    }

    [Fact]
    public void Recipients_only_on_red_reports()
    {
        Assert.Equal(["recipients"], Validate(With("\"recipients\":[\"dhs\"]")).Errors.Keys);
        Assert.Empty(Validate(With("\"recipients\":[\"dhs\"],\"tlp\":\"RED\"")).Errors);
    }

    [Fact]
    public void Unknown_election_is_rejected_and_an_observation_outside_every_window_needs_one()
    {
        Assert.Equal(["electionId"], Validate(With("\"electionId\":\"1999-11-02-general\"")).Errors.Keys);
        Assert.Equal(["electionId"], Validate(Minimal.Replace("2026-11-03", "2010-01-01")).Errors.Keys);
    }

    [Fact]
    public void County_fips_must_lie_inside_the_state()
    {
        Assert.Empty(Validate(With("\"jurisdiction\":{\"state\":\"GA\",\"countyFips\":\"13121\"}")).Errors);
        var (_, errors) = Validate(With("\"jurisdiction\":{\"state\":\"GA\",\"countyFips\":\"06037\"}"));
        Assert.Equal(["jurisdiction.countyFips"], errors.Keys);
        Assert.Contains("start with 13", errors["jurisdiction.countyFips"][0]);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D }, "UTF-8")]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x61, 0x22, 0x3A, 0x32, 0x7D }, "Duplicate")]
    public void The_reader_refuses_invalid_utf8_and_duplicate_keys(byte[] body, string reason)
    {
        var (document, error) = JsonBody.Parse(body);
        Assert.Null(document);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_reader_refuses_nesting_deeper_than_32()
    {
        Assert.NotNull(JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes(new string('[', 32) + new string(']', 32))).Document);
        var (document, error) = JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes(new string('[', 33) + new string(']', 33)));
        Assert.Null(document);
        Assert.Contains("depth", error, StringComparison.OrdinalIgnoreCase);
    }

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
