using Microsoft.Extensions.Options;

namespace ElectionFunctions.Classification;

/// <summary>
/// The classification rules (classification-rules.json, section <c>Classification</c>): versioned data,
/// validated on start. Every decision records the rule ids, this version and the evidence.
/// </summary>
public sealed class ClassificationOptions
{
    public const string Section = "Classification";

    public string Version { get; set; } = "";
    /// <summary>A phrase is negated when one of these cues stands within this many words before it, in the same sentence.</summary>
    public int NegationWindowWords { get; set; } = 6;
    public List<string> NegationCues { get; set; } = [];
    /// <summary>
    /// Words of a list not counted in the window ("or", "any", "other"), so that a cue reaches every item of a
    /// negated list: "not linked to any foreign government or foreign actor".
    /// </summary>
    public List<string> NegationListWords { get; set; } = [];
    public List<string> ForeignNexusPhrases { get; set; } = [];
    public List<CategoryRule> Rules { get; set; } = [];
    /// <summary>First match wins; the last rule should have no condition (the default level).</summary>
    public List<SeverityRule> Severity { get; set; } = [];
}

/// <summary>Fires when every condition given holds: a target, an effect, an affirmed phrase in the narrative; and none of <see cref="UnlessCategories"/> is already set.</summary>
public sealed class CategoryRule
{
    public string Id { get; set; } = "";
    public List<string> Categories { get; set; } = [];
    public List<string> Signals { get; set; } = [];
    public List<string> AnyTarget { get; set; } = [];
    public List<string> AnyEffect { get; set; } = [];
    public List<string> Phrases { get; set; } = [];
    public List<string> UnlessCategories { get; set; } = [];
}

public sealed class SeverityRule
{
    public string Id { get; set; } = "";
    public string Level { get; set; } = "";
    public List<string> AnySignal { get; set; } = [];
    public List<string> AllSignals { get; set; } = [];
}

public sealed class ClassificationOptionsValidator : IValidateOptions<ClassificationOptions>
{
    private static readonly HashSet<string> KnownCategories =
        [Categories.ElectionInfrastructure, Categories.CampaignInfrastructure, Categories.InfluenceOperation, Categories.IllicitFinance];
    private static readonly HashSet<string> Levels = [Severities.Critical, Severities.High, Severities.Moderate, Severities.Low];

    public ValidateOptionsResult Validate(string? name, ClassificationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Version)) failures.Add("Classification:Version is empty.");
        if (options.Rules.Count == 0) failures.Add("Classification:Rules is empty.");
        if (options.ForeignNexusPhrases.Count == 0) failures.Add("Classification:ForeignNexusPhrases is empty.");
        foreach (var duplicate in options.Rules.Select(r => r.Id).Concat(options.Severity.Select(s => s.Id)).GroupBy(i => i).Where(g => g.Count() > 1))
            failures.Add($"Classification: rule id '{duplicate.Key}' is used twice.");
        foreach (var rule in options.Rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Id)) failures.Add("Classification:Rules: a rule has no Id.");
            if (rule.AnyTarget.Count + rule.AnyEffect.Count + rule.Phrases.Count == 0) failures.Add($"Classification:Rules:{rule.Id}: no condition.");
            if (rule.Categories.Count + rule.Signals.Count == 0) failures.Add($"Classification:Rules:{rule.Id}: neither categories nor signals.");
            foreach (var c in rule.Categories.Concat(rule.UnlessCategories).Where(c => !KnownCategories.Contains(c)))
                failures.Add($"Classification:Rules:{rule.Id}: unknown category '{c}'.");
            foreach (var s in rule.Signals.Where(s => !s.Contains(':')))
                failures.Add($"Classification:Rules:{rule.Id}: signal '{s}' is not kind:value.");
        }
        foreach (var phrase in options.ForeignNexusPhrases.Concat(options.Rules.SelectMany(r => r.Phrases)).Where(p => !PhraseMatcher.IsValidPhrase(p)))
            failures.Add($"Classification: phrase '{phrase}' must be words of letters, digits or marks, separated by spaces or hyphens.");
        if (options.Severity.Count == 0 || options.Severity[^1] is not { AnySignal.Count: 0, AllSignals.Count: 0 })
            failures.Add("Classification:Severity must end with a rule without conditions (the default level).");
        foreach (var s in options.Severity.Where(s => !Levels.Contains(s.Level)))
            failures.Add($"Classification:Severity:{s.Id}: unknown level '{s.Level}'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
