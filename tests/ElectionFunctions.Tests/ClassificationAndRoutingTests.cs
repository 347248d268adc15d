// Over 200 lines: the rules and the routing matrix, case by case, as DOMAIN.md states them.
using ElectionFunctions.Classification;
using ElectionFunctions.Intake;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Tests;

/// <summary>The shipped rules and the shipped routing matrix (electionsettings.json) against DOMAIN.md.</summary>
public sealed class ClassificationAndRoutingTests
{
    private static readonly Classifier Classifier = ShippedSettings.Classifier();
    private static readonly RoutingOptions Matrix = ShippedSettings.Routing;
    private static readonly RoutingDecider Decider = ShippedSettings.Decider();

    private static (ClassificationResult Classification, IReadOnlyList<string> Agencies) Run(StoredReport report)
    {
        var classification = Classifier.Classify(report);
        var (agencies, _) = Decider.Decide(classification, report.Tlp!, report.Recipients!);
        return (classification, agencies);
    }

    [Fact]
    public void Shipped_matrix_is_valid() =>
        Assert.True(new RoutingOptionsValidator().Validate(null, Matrix).Succeeded);

    [Fact]
    public void Access_to_a_results_site_by_a_named_state_actor_goes_to_all_four_agencies()
    {
        var (c, agencies) = Run(Reports.Native(["results-reporting-website"], ["access-gained"], ["IR"],
            [new NamedActor("Emennet Pasargad", "organization", "IR", "engaged")]));
        Assert.Equal([Categories.ElectionInfrastructure], c.Categories);
        Assert.Equal(Severities.High, c.Severity);
        Assert.Equal(["dhs", "doj", "odni", "treasury"], agencies);
    }

    [Fact]
    public void Altered_tabulation_is_critical_election_infrastructure_for_odni_dhs_doj()
    {
        var (c, agencies) = Run(Reports.Native(["tabulation"], ["tabulation-affected", "data-altered"], ["RU"]));
        Assert.Equal([Categories.ElectionInfrastructure], c.Categories);
        Assert.Equal(Severities.Critical, c.Severity);
        Assert.Equal(["dhs", "doj", "odni"], agencies);
    }

    [Fact]
    public void Leaked_campaign_emails_are_campaign_infrastructure()
    {
        var (c, agencies) = Run(Reports.Native(["campaign-email"], ["data-disclosed"], ["RU"],
            narrative: "Leaked emails from the campaign were posted by a persona linked to Russian intelligence."));
        Assert.Contains(Categories.CampaignInfrastructure, c.Categories);
        Assert.Equal(Severities.High, c.Severity);
        Assert.Equal(["dhs", "doj", "odni"], agencies);
    }

    [Fact]
    public void False_voting_information_is_an_influence_operation_on_election_processes_for_dhs()
    {
        var (c, agencies) = Run(Reports.Native(["voters", "social-media"], ["disinformation-published"], ["CN"],
            narrative: "Accounts spread false voting information telling voters to vote on Wednesday."));
        Assert.Equal([Categories.InfluenceOperation], c.Categories);
        Assert.Equal(Severities.Moderate, c.Severity);
        Assert.Equal(["dhs", "odni"], agencies);
    }

    [Fact]
    public void Influence_not_about_election_processes_stays_with_odni()
    {
        var (c, agencies) = Run(Reports.Native(["social-media"], ["disinformation-published"], ["CN"],
            narrative: "Fabricated stories about a candidate's health."));
        Assert.Equal([Categories.InfluenceOperation], c.Categories);
        Assert.Equal(["odni"], agencies);
    }

    [Fact]
    public void Foreign_payments_are_illicit_finance_for_treasury_and_doj()
    {
        var (c, agencies) = Run(Reports.Native(["social-media"], ["funds-transferred"], ["RU"],
            narrative: "A shell company paid influencers to post about the election."));
        Assert.Contains(Categories.IllicitFinance, c.Categories);
        Assert.Contains(Categories.InfluenceOperation, c.Categories);
        Assert.Equal(["doj", "odni", "treasury"], agencies);
    }

    [Fact]
    public void Bomb_threats_are_intimidation_for_doj_and_dhs()
    {
        var (c, agencies) = Run(Reports.Native(["election-officials"], [], ["IR"],
            narrative: "Several county offices received bomb threats by e-mail routed through Iranian servers."));
        Assert.Contains(Categories.InfluenceOperation, c.Categories);
        Assert.Contains("effect:intimidation", c.Signals);
        Assert.Equal(["dhs", "doj", "odni"], agencies);
    }

    [Fact]
    public void A_report_without_foreign_nexus_is_out_of_scope_and_routed_nowhere()
    {
        var (c, agencies) = Run(Reports.Native(["e-pollbook"], ["service-disrupted"],
            narrative: "E-pollbooks went down for an hour; there is no evidence of foreign involvement."));
        Assert.Equal([Categories.OutOfScope], c.Categories);
        Assert.False(c.InScope);
        Assert.Contains(c.Reasons, r => r.Rule == "scope.no-foreign-nexus");
        Assert.Empty(agencies);
    }

    [Fact]
    public void A_non_federal_contest_is_out_of_scope_even_with_a_foreign_nexus()
    {
        var (c, agencies) = Run(Reports.Native(["voter-registration-database"], ["access-gained"], ["RU"], federal: false));
        Assert.Equal([Categories.OutOfScope], c.Categories);
        Assert.Contains(c.Reasons, r => r.Rule == "scope.non-federal");
        Assert.Empty(agencies);
    }

    [Fact]
    public void Tlp_red_goes_only_to_the_named_recipients()
    {
        var (_, agencies) = Run(Reports.Native(["tabulation"], ["access-gained"], ["RU"], tlp: "RED", recipients: ["dhs"]));
        Assert.Equal(["dhs"], agencies);
    }

    [Fact]
    public void Tlp_red_without_recipients_goes_to_odni_only()
    {
        var (_, agencies) = Run(Reports.Native(["tabulation"], ["access-gained"], ["RU"], tlp: "RED"));
        Assert.Equal(["odni"], agencies);
    }

    [Fact]
    public void Every_decision_carries_its_rules_and_evidence()
    {
        var report = Reports.Native(["voter-registration-database"], ["data-altered"], ["RU"], narrative: "Spear-phishing preceded the change.");
        var c = Classifier.Classify(report);
        var (_, routingReasons) = Decider.Decide(c, "AMBER", []);
        Assert.Contains(c.Reasons, r => r.Rule == "target.election-infrastructure" && r.Evidence.Contains("voter-registration-database"));
        Assert.Contains(c.Reasons, r => r.Rule == "narrative.spear-phishing" && r.Evidence.Contains("Spear-phishing"));
        Assert.Contains(c.Reasons, r => r.Rule == "severity.critical-registration" && r.Evidence.Contains("effect:data-altered"));
        Assert.Contains(routingReasons, r => r.Rule == "routing.matrix.dhs" && r.Evidence == "category:election-infrastructure");
    }

    [Fact]
    public void Narrative_phrases_need_word_boundaries()
    {
        // "retabulations" is not the word "tabulation"; "Russian" is.
        var c = Classifier.Classify(Reports.Native(narrative: "Pretabulationship notes mention Russianness only."));
        Assert.False(c.InScope);
    }

    [Fact]
    public void Matrix_conditions_are_configuration_not_code()
    {
        var custom = new RoutingOptions { Matrix = new() { ["odni"] = ["in-scope"], ["treasury"] = ["category:election-infrastructure"] } };
        var c = Classifier.Classify(Reports.Native(["tabulation"], [], ["RU"]));
        var (agencies, reasons) = new RoutingDecider(Options.Create(custom)).Decide(c, "GREEN", []);
        Assert.Equal(["odni", "treasury"], agencies);
        Assert.Contains(reasons, r => r.Rule == "routing.matrix.treasury");
    }

    [Fact]
    public void Unknown_agencies_and_terms_fail_validation()
    {
        var result = new RoutingOptionsValidator().Validate(null, new RoutingOptions { Matrix = new() { ["fbi"] = ["in-scope"], ["dhs"] = ["colour:red"] } });
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("'fbi'"));
        Assert.Contains(result.Failures!, f => f.Contains("'colour:red'"));
    }

    [Fact]
    public void Shipped_rules_are_valid_and_every_decision_carries_their_version()
    {
        Assert.True(new ClassificationOptionsValidator().Validate(null, ShippedSettings.Rules).Succeeded);
        Assert.Equal(ShippedSettings.Rules.Version, Classifier.Classify(Reports.Native(["tabulation"], [], ["RU"])).RulesVersion);
        Assert.Equal(ShippedSettings.Rules.Version, Classifier.Classify(Reports.Native()).RulesVersion);
    }

    [Fact]
    public void Bad_rules_fail_validation_on_start()
    {
        var bad = new ClassificationOptions
        {
            Version = "",
            ForeignNexusPhrases = ["x"],
            Rules = [new CategoryRule { Id = "a", Categories = ["fraud"], Phrases = ["p", "U.S. election"] }, new CategoryRule { Id = "a", Signals = ["nokind"] }],
            Severity = [new SeverityRule { Id = "s", Level = "severe", AnySignal = ["x"] }],
        };
        var failures = new ClassificationOptionsValidator().Validate(null, bad).Failures!;
        Assert.Contains(failures, f => f.Contains("Version"));
        Assert.Contains(failures, f => f.Contains("'a' is used twice"));
        Assert.Contains(failures, f => f.Contains("unknown category 'fraud'"));
        Assert.Contains(failures, f => f.Contains("a: no condition"));
        Assert.Contains(failures, f => f.Contains("'nokind'"));
        Assert.Contains(failures, f => f.Contains("must end with a rule without conditions"));
        Assert.Contains(failures, f => f.Contains("unknown level 'severe'"));
        Assert.Contains(failures, f => f.Contains("phrase 'U.S. election' must be words"));
        Assert.DoesNotContain(failures, f => f.Contains("phrase 'p'"));
    }

    [Theory]
    [InlineData("There is no evidence of foreign involvement in the outage.", false)]
    [InlineData("Investigators ruled out Russian involvement.", false)]
    [InlineData("The outage was not caused by Iran.", false)]
    [InlineData("Analysts attribute the outage to Russian operators.", true)]
    [InlineData("No data was lost. Russian operators were behind it.", true)] // the cue is in another sentence
    [InlineData("We did not notice at first, but after three days of review the logs clearly show Iranian infrastructure.", true)] // cue outside the window
    public void Negated_foreign_involvement_is_no_nexus(string narrative, bool inScope) =>
        Assert.Equal(inScope, Classifier.Classify(Reports.Native(narrative: narrative)).InScope);

    [Fact]
    public void Phrases_match_across_case_spaces_and_hyphens()
    {
        var c = Classifier.Classify(Reports.Native(governments: ["RU"], narrative: "A SPEAR PHISHING wave hit the Voter-Registration office."));
        Assert.Contains(c.Reasons, r => r.Rule == "narrative.spear-phishing");
        Assert.Contains(c.Reasons, r => r.Rule == "narrative.voter-registration");
    }
}
