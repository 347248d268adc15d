using System.Text.RegularExpressions;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Classification;

/// <summary>
/// Rule-based classification into the DOMAIN.md categories. Every rule that fires adds a reason
/// (rule id + evidence) and signals that the routing matrix reads (<c>category:x</c>, <c>effect:x</c>,
/// <c>target:x</c>, <c>actor:named-foreign</c>, <c>actor:foreign-agent</c>, <c>topic:election-process</c>, <c>in-scope</c>).
/// </summary>
public sealed partial class Classifier(TimeProvider time)
{
    public const string RulesVersion = "2026.11-skeleton";

    private static readonly HashSet<string> ElectionSystems =
    [
        "voter-registration-database", "e-pollbook", "voting-machine", "tabulation", "results-transmission",
        "results-reporting-website", "election-office-network", "election-vendor",
    ];

    private static readonly HashSet<string> CampaignSystems = ["campaign-network", "campaign-email", "party-organization", "candidate"];
    private static readonly HashSet<string> DataEffects = ["access-gained", "data-disclosed", "data-altered", "attempted-only"];
    private static readonly HashSet<string> AudienceSystems = ["social-media", "news-media", "voters"];
    private static readonly HashSet<string> ElectionProcessTargets = ["voters", "election-officials", "results-reporting-website"];

    private sealed record NarrativeRule(string Id, Regex Pattern, string? Category, params string[] Signals);

    private static readonly NarrativeRule[] NarrativeRules =
    [
        new("narrative.voter-registration", VoterRegistration(), Categories.ElectionInfrastructure),
        new("narrative.tabulation", Tabulation(), Categories.ElectionInfrastructure),
        new("narrative.e-pollbook", EPollbook(), Categories.ElectionInfrastructure),
        new("narrative.leaked-emails", LeakedEmails(), Categories.CampaignInfrastructure, "effect:data-disclosed"),
        new("narrative.spear-phishing", SpearPhishing(), null, "effect:attempted-only"),
        new("narrative.false-voting-information", FalseVotingInformation(), Categories.InfluenceOperation, "topic:election-process"),
        new("narrative.bomb-threat", BombThreat(), Categories.InfluenceOperation, "effect:intimidation", "topic:election-process"),
        new("narrative.paid-influencers", PaidInfluencers(), Categories.InfluenceOperation, "category:" + Categories.IllicitFinance),
        new("narrative.inauthentic-accounts", InauthenticAccounts(), Categories.InfluenceOperation),
    ];

    public ClassificationResult Classify(ReportSubmission report)
    {
        var reasons = new List<Reason>();
        var signals = new SortedSet<string>(StringComparer.Ordinal);
        var categories = new SortedSet<string>(StringComparer.Ordinal);
        var targets = report.TargetedSystems ?? [];
        var effects = report.Effects ?? [];
        var narrative = report.Narrative ?? "";

        foreach (var t in targets) signals.Add("target:" + t);
        foreach (var e in effects) signals.Add("effect:" + e);

        // Foreign nexus: the order covers foreign governments and their agents only.
        var governments = report.SuspectedForeignGovernments ?? [];
        var foreignActors = (report.NamedActors ?? [])
            .Where(a => a.Country is { } c ? c != "US" : governments.Count > 0)
            .ToList();
        if (governments.Count > 0) reasons.Add(new("nexus.suspected-government", "suspectedForeignGovernments: " + string.Join(", ", governments)));
        if (foreignActors.Count > 0)
        {
            signals.Add("actor:named-foreign");
            reasons.Add(new("nexus.named-foreign-actor", "namedActors: " + string.Join(", ", foreignActors.Select(a => a.Name))));
            if (foreignActors.Any(a => a.Role is null or "engaged"))
            {
                signals.Add("actor:foreign-agent");
            }
        }
        var narrativeNexus = Affirmed(ForeignGovernment(), narrative);
        if (narrativeNexus is not null) reasons.Add(new("nexus.narrative", narrativeNexus));
        var foreignNexus = governments.Count > 0 || foreignActors.Count > 0 || narrativeNexus is not null;

        if (report.FederalContest == false || !foreignNexus)
        {
            reasons.Add(report.FederalContest == false
                ? new Reason("scope.non-federal", "federalContest: false")
                : new Reason("scope.no-foreign-nexus", "no suspected foreign government, foreign actor or foreign involvement in the narrative"));
            return new ClassificationResult([Categories.OutOfScope], Severities.Low, false,
                [.. signals, "category:" + Categories.OutOfScope], reasons, time.GetUtcNow());
        }
        signals.Add("in-scope");

        var electionTargets = targets.Where(ElectionSystems.Contains).ToList();
        if (electionTargets.Count > 0)
        {
            categories.Add(Categories.ElectionInfrastructure);
            reasons.Add(new("target.election-infrastructure", "targetedSystems: " + string.Join(", ", electionTargets)));
        }

        var campaignTargets = targets.Where(CampaignSystems.Contains).ToList();
        if (campaignTargets.Count > 0 && effects.Any(DataEffects.Contains))
        {
            categories.Add(Categories.CampaignInfrastructure);
            reasons.Add(new("target.campaign-infrastructure", "targetedSystems: " + string.Join(", ", campaignTargets)
                + "; effects: " + string.Join(", ", effects.Where(DataEffects.Contains))));
        }

        var influenceEffects = effects.Where(e => e is "disinformation-published" or "intimidation").ToList();
        if (influenceEffects.Count > 0)
        {
            categories.Add(Categories.InfluenceOperation);
            reasons.Add(new("effect.influence-operation", "effects: " + string.Join(", ", influenceEffects)));
            if (targets.Any(ElectionProcessTargets.Contains)) signals.Add("topic:election-process");
        }

        var audiences = targets.Where(AudienceSystems.Contains).ToList();
        if (audiences.Count > 0 && !categories.Contains(Categories.ElectionInfrastructure))
        {
            categories.Add(Categories.InfluenceOperation);
            reasons.Add(new("target.influence-operation", "targetedSystems: " + string.Join(", ", audiences)));
        }

        if (effects.Contains("funds-transferred"))
        {
            categories.Add(Categories.IllicitFinance);
            reasons.Add(new("effect.funds-transferred", "effects: funds-transferred"));
        }

        foreach (var rule in NarrativeRules)
        {
            var evidence = Affirmed(rule.Pattern, narrative);
            if (evidence is null) continue;
            reasons.Add(new(rule.Id, evidence));
            if (rule.Category is not null) categories.Add(rule.Category);
            foreach (var s in rule.Signals)
            {
                if (s.StartsWith("category:", StringComparison.Ordinal)) categories.Add(s["category:".Length..]);
                else signals.Add(s);
            }
        }

        foreach (var c in categories) signals.Add("category:" + c);
        var severity = Severity(signals, categories, reasons);
        return new ClassificationResult([.. categories], severity, true, [.. signals], reasons, time.GetUtcNow());
    }

    private static string Severity(IReadOnlySet<string> signals, IReadOnlySet<string> categories, List<Reason> reasons)
    {
        if (signals.Contains("effect:tabulation-affected") || signals.Contains("effect:transmission-delayed"))
            return Add(Severities.Critical, "severity.critical", "effect on tabulation or transmission");
        if (signals.Contains("effect:data-altered") && (signals.Contains("target:voter-registration-database") || signals.Contains("target:e-pollbook")))
            return Add(Severities.Critical, "severity.critical", "registration data altered");
        if (signals.Contains("effect:access-gained") || signals.Contains("effect:data-disclosed") || signals.Contains("effect:data-altered"))
            return Add(Severities.High, "severity.high", "unauthorized access or data disclosed or altered");
        if (signals.Contains("effect:attempted-only") || categories.Contains(Categories.InfluenceOperation) || categories.Contains(Categories.IllicitFinance))
            return Add(Severities.Moderate, "severity.moderate", "attempt or active influence operation");
        return Add(Severities.Low, "severity.low", "informational");

        string Add(string severity, string rule, string evidence)
        {
            reasons.Add(new(rule, evidence));
            return severity;
        }
    }

    /// <summary>The matched text with its context, unless the sentence negates it ("no evidence of …").</summary>
    private static string? Affirmed(Regex pattern, string text)
    {
        foreach (Match m in pattern.Matches(text))
        {
            var sentenceStart = Math.Max(text.LastIndexOfAny(['.', '!', '?', '\n'], Math.Max(m.Index - 1, 0)) + 1, 0);
            var before = text[sentenceStart..m.Index];
            if (Negation().IsMatch(before)) continue;
            return $"narrative[{m.Index}..{m.Index + m.Length}]: \"{m.Value}\"";
        }
        return null;
    }

    [GeneratedRegex(@"\b(no|not|without|never|ruled out|no evidence of|no indication of)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Negation();
    [GeneratedRegex(@"\b(foreign (government|state|intelligence|actor|influence|involvement)s?|(russia|iran|china|north korea)n?\b|russian|iranian|chinese|north korean|GRU|IRGC)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ForeignGovernment();
    [GeneratedRegex(@"\bvoter[ -]registration\b", RegexOptions.IgnoreCase)]
    private static partial Regex VoterRegistration();
    [GeneratedRegex(@"\btabulat(ion|or|ors|ing)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Tabulation();
    [GeneratedRegex(@"\be-?poll ?books?\b", RegexOptions.IgnoreCase)]
    private static partial Regex EPollbook();
    [GeneratedRegex(@"\b(leaked|hacked|stolen) (e-?mails?|documents)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LeakedEmails();
    [GeneratedRegex(@"\bspear[- ]?phish(ing|ed)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpearPhishing();
    [GeneratedRegex(@"\b(fake|false|fabricated) (polling|voting|election)( place)? (information|procedures?|dates?|sites?|notices?)\b|\bfake official (site|website)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FalseVotingInformation();
    [GeneratedRegex(@"\bbomb threats?\b", RegexOptions.IgnoreCase)]
    private static partial Regex BombThreat();
    [GeneratedRegex(@"\bpaid (influencers?|commentators|posters)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PaidInfluencers();
    [GeneratedRegex(@"\b(inauthentic accounts?|bot networks?|troll farms?|sockpuppets?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex InauthenticAccounts();
}
