using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using Microsoft.Extensions.Configuration;

namespace ElectionFunctions.Tests;

public sealed class SubmissionValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly SubmissionValidator Validator = new(
        new ConfigurationBuilder().AddElectionSettingsDefaults().Build().GetSection(ElectionsOptions.Section).Get<ElectionsOptions>()!,
        new IntakeOptions(), new FixedTime(Now));

    private static ReportSubmission Minimal => new()
    {
        SchemaVersion = "1.0",
        Title = "t",
        Narrative = "n",
        ObservedAt = new DateTimeOffset(2026, 11, 3, 21, 40, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Minimal_body_is_normalised_with_defaults_and_inferred_election()
    {
        var (report, errors) = Validator.Validate(Minimal);
        Assert.Empty(errors);
        Assert.Equal("2026-11-03-general", report!.ElectionId);
        Assert.Equal("AMBER", report.Tlp);
        Assert.True(report.FederalContest);
        Assert.Empty(report.Effects!);
    }

    [Fact]
    public void Missing_required_fields_are_each_named()
    {
        var (report, errors) = Validator.Validate(new ReportSubmission());
        Assert.Null(report);
        Assert.Equal(["narrative", "observedAt", "schemaVersion", "title"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("targetedSystems[0]")]
    [InlineData("effects[0]")]
    [InlineData("tlp")]
    [InlineData("jurisdiction.state")]
    [InlineData("namedActors[0].kind")]
    [InlineData("indicators[0].type")]
    public void Unknown_vocabulary_values_are_rejected_with_the_allowed_list(string field)
    {
        var body = field switch
        {
            "targetedSystems[0]" => Minimal with { TargetedSystems = ["toaster"] },
            "effects[0]" => Minimal with { Effects = ["vibes"] },
            "tlp" => Minimal with { Tlp = "PURPLE" },
            "jurisdiction.state" => Minimal with { Jurisdiction = new Jurisdiction("XX", null) },
            "namedActors[0].kind" => Minimal with { NamedActors = [new NamedActor("x", "robot", null, null)] },
            _ => Minimal with { Indicators = [new Indicator("ssn", "1")] },
        };
        var (_, errors) = Validator.Validate(body);
        Assert.Equal([field], errors.Keys);
        Assert.StartsWith(field == "jurisdiction.state" ? "USPS state code" : "Allowed", errors[field][0]);
    }

    [Fact]
    public void Observations_in_the_future_beyond_clock_skew_are_rejected()
    {
        Assert.Empty(Validator.Validate(Minimal with { ObservedAt = Now.AddMinutes(4) }).Errors);
        Assert.Contains("observedAt", Validator.Validate(Minimal with { ObservedAt = Now.AddMinutes(6) }).Errors.Keys);
    }

    [Fact]
    public void Recipients_only_on_red_reports()
    {
        Assert.Contains("recipients", Validator.Validate(Minimal with { Recipients = ["dhs"] }).Errors.Keys);
        Assert.Empty(Validator.Validate(Minimal with { Tlp = "RED", Recipients = ["dhs"] }).Errors);
    }

    [Fact]
    public void Unknown_election_is_rejected_and_an_observation_outside_every_window_needs_one()
    {
        Assert.Contains("electionId", Validator.Validate(Minimal with { ElectionId = "1999-11-02-general" }).Errors.Keys);
        Assert.Contains("electionId", Validator.Validate(Minimal with { ObservedAt = new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.Zero) }).Errors.Keys);
    }

    [Fact]
    public void County_fips_must_be_five_digits()
    {
        Assert.Contains("jurisdiction.countyFips", Validator.Validate(Minimal with { Jurisdiction = new Jurisdiction("GA", "131") }).Errors.Keys);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
