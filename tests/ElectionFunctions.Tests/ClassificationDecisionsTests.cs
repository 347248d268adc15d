using ElectionFunctions.Classification;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Tests;

/// <summary>The distinctions issue 17 draws from DOMAIN.md (docs/classification.md, decisions), one case each, on the shipped rules.</summary>
public sealed class ClassificationDecisionsTests
{
    private static readonly Classifier Classifier = ShippedSettings.Classifier();
    private static readonly Routing.RoutingDecider Decider = ShippedSettings.Decider();

    private static (ClassificationResult Classification, IReadOnlyList<string> Agencies) Run(StoredReport report)
    {
        var classification = Classifier.Classify(report);
        return (classification, Decider.Decide(classification, report.Tlp, report.Recipients).Agencies);
    }

    [Fact]
    public void An_influence_operation_on_voters_or_social_media_alone_is_not_DHSs_but_one_on_voting_procedures_is()
    {
        var general = Run(Reports.Native(["voters", "social-media"], ["disinformation-published"], ["RU"], narrative: "Videos claimed voting is useless."));
        Assert.Equal(["odni"], general.Agencies);
        var procedures = Run(Reports.Native(["voters"], ["disinformation-published"], ["RU"], narrative: "Texts told voters that polls moved to Wednesday."));
        Assert.Equal(["dhs", "odni"], procedures.Agencies);
    }

    [Fact]
    public void A_hack_and_leak_is_campaign_infrastructure_and_an_influence_operation()
    {
        var (c, _) = Run(Reports.Native(["campaign-email"], ["access-gained", "data-disclosed"], ["IR"],
            narrative: "Staff e-mails stolen in July were published on a leak site by a persona."));
        Assert.Equal([Categories.CampaignInfrastructure, Categories.InfluenceOperation], c.Categories);
        var (stolenOnly, _) = Run(Reports.Native(["campaign-email"], ["access-gained", "data-disclosed"], ["IR"], narrative: "Staff e-mails were copied."));
        Assert.Equal([Categories.CampaignInfrastructure], stolenOnly.Categories);
    }

    [Fact]
    public void A_negation_reaches_every_item_of_a_negated_list()
    {
        var (c, agencies) = Run(Reports.Native(["voters"], ["disinformation-published"], narrative:
            "The rumor is not linked to Russia or any other foreign government or foreign actor."));
        Assert.Equal([Categories.OutOfScope], c.Categories);
        Assert.Empty(agencies);
    }

    [Fact]
    public void A_negation_does_not_reach_past_an_unrelated_clause()
    {
        var (c, _) = Run(Reports.Native(["election-office-network"], ["service-disrupted"],
            narrative: "Officials could not restore the portal after an intrusion by a Russian group."));
        Assert.True(c.InScope, string.Join("; ", c.Reasons.Select(r => r.Rule)));
    }

    [Fact]
    public void Severity_follows_the_effect_whatever_the_scope()
    {
        var altered = Classifier.Classify(Reports.Native(["results-reporting-website"], ["data-altered"], narrative: "An insider changed the unofficial totals."));
        Assert.Equal((Categories.OutOfScope, Severities.Critical), (altered.Categories.Single(), altered.Severity));
        var defaced = Classifier.Classify(Reports.Native(["election-office-network"], ["access-gained", "data-altered"], narrative: "A teenager defaced the homepage."));
        Assert.Equal((Categories.OutOfScope, Severities.High), (defaced.Categories.Single(), defaced.Severity));
    }

    [Fact]
    public void Anyone_named_as_engaged_for_a_suspected_government_is_its_agent_for_DOJ_and_only_foreign_persons_go_to_Treasury()
    {
        NamedActor Actor(string country) => new("Someone", "person", country, "engaged");
        var usCitizen = Run(Reports.Native(["news-media"], ["disinformation-published"], ["RU"], [Actor("US")]));
        Assert.Equal(["doj", "odni"], usCitizen.Agencies);
        var thirdCountry = Run(Reports.Native(["news-media"], ["disinformation-published"], ["IR"], [Actor("VE")]));
        Assert.Equal(["doj", "odni", "treasury"], thirdCountry.Agencies);
        // A foreign group with no government alleged: in scope, to Treasury, not DOJ's as an agent.
        var hacktivists = Run(Reports.Native(["results-reporting-website"], ["service-disrupted"], actors: [new("Group", "organization", "RU", "engaged")]));
        Assert.Equal(["dhs", "odni", "treasury"], hacktivists.Agencies);
    }

    [Fact]
    public void TLP_RED_goes_to_the_listed_agencies_the_matrix_also_gives_or_else_to_the_listed_ones_only()
    {
        var (_, agencies) = Run(Reports.Native(["tabulation"], ["access-gained"], ["RU"], tlp: "RED", recipients: ["dhs", "treasury"]));
        Assert.Equal(["dhs"], agencies);
        // No listed agency has the need-to-know: the partner's list, never nobody and never another agency.
        var (_, listedOnly) = Run(Reports.Native(["tabulation"], ["access-gained"], ["RU"], tlp: "RED", recipients: ["treasury"]));
        Assert.Equal(["treasury"], listedOnly);
    }
}
