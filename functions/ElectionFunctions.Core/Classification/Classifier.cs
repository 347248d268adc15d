using System.Text.RegularExpressions;
using ElectionFunctions.Intake;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Classification;

/// <summary>
/// Classification into the DOMAIN.md categories by the configured rules (classification-rules.json).
/// Every rule that fires adds a reason (rule id and evidence: the field or the text span) and signals
/// the routing matrix reads: <c>in-scope</c>, <c>category:x</c>, <c>effect:x</c>, <c>target:x</c>,
/// <c>actor:named-foreign</c>, <c>actor:foreign-agent</c>, <c>topic:election-process</c>.
/// Rules are compiled once; the per-report work is set look-ups and one pass over the narrative's words
/// for all phrases (<see cref="PhraseMatcher"/>).
/// </summary>
public sealed class Classifier
{
    private sealed record CompiledRule(CategoryRule Rule, HashSet<string> Targets, HashSet<string> Effects);

    // Phrase groups: the foreign nexus first, then one per rule (empty for a rule without phrases).
    private const int NexusGroup = 0;

    private readonly ClassificationOptions _options;
    private readonly TimeProvider _time;
    private readonly CompiledRule[] _rules;
    private readonly PhraseMatcher _phrases;
    private readonly Regex _negation;

    public Classifier(IOptions<ClassificationOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _rules = [.. _options.Rules.Select(r => new CompiledRule(r, [.. r.AnyTarget], [.. r.AnyEffect]))];
        _phrases = new PhraseMatcher([_options.ForeignNexusPhrases, .. _options.Rules.Select(r => r.Phrases)]);
        _negation = PhraseRegex(_options.NegationCues);
    }

    public ClassificationResult Classify(ReportSubmission report)
    {
        var reasons = new List<Reason>();
        var signals = new SortedSet<string>(StringComparer.Ordinal);
        var categories = new SortedSet<string>(StringComparer.Ordinal);
        var targets = report.TargetedSystems ?? [];
        var effects = report.Effects ?? [];
        var narrative = report.Narrative ?? "";
        var indicators = IndicatorExtractor.Merge(report.Indicators ?? [], narrative);
        var extracted = indicators.Count - (report.Indicators?.Count ?? 0);
        if (extracted > 0) reasons.Add(new("indicators.narrative", $"{extracted} indicator(s) extracted from the narrative"));

        foreach (var t in targets) signals.Add("target:" + t);
        foreach (var e in effects) signals.Add("effect:" + e);

        // Foreign nexus: the order covers foreign governments and their agents only.
        var governments = report.SuspectedForeignGovernments ?? [];
        var foreignActors = (report.NamedActors ?? []).Where(a => a.Country is { } c ? c != "US" : governments.Count > 0).ToList();
        if (governments.Count > 0) reasons.Add(new("nexus.suspected-government", "suspectedForeignGovernments: " + string.Join(", ", governments)));
        if (foreignActors.Count > 0)
        {
            signals.Add("actor:named-foreign");
            reasons.Add(new("nexus.named-foreign-actor", "namedActors: " + string.Join(", ", foreignActors.Select(a => $"{a.Name} ({a.Role ?? "engaged"})"))));
            if (foreignActors.Any(a => a.Role is null or "engaged")) signals.Add("actor:foreign-agent");
        }
        var affirmed = _phrases.FirstAccepted(narrative, (start, _) => !Negated(narrative, start));
        var narrativeNexus = Evidence(narrative, affirmed[NexusGroup]);
        if (narrativeNexus is not null) reasons.Add(new("nexus.narrative", narrativeNexus));

        if (report.FederalContest == false || (governments.Count == 0 && foreignActors.Count == 0 && narrativeNexus is null))
        {
            reasons.Add(report.FederalContest == false
                ? new Reason("scope.non-federal", "federalContest: false")
                : new Reason("scope.no-foreign-nexus", "no suspected foreign government, foreign actor or affirmed foreign involvement in the narrative"));
            return new ClassificationResult([Categories.OutOfScope], Severities.Low, false,
                [.. signals, "category:" + Categories.OutOfScope], reasons, _time.GetUtcNow(), _options.Version, indicators);
        }
        signals.Add("in-scope");

        for (var r = 0; r < _rules.Length; r++)
        {
            var (rule, ruleTargets, ruleEffects) = _rules[r];
            if (rule.UnlessCategories.Any(categories.Contains)) continue;
            var evidence = new List<string>();
            if (ruleTargets.Count > 0)
            {
                var hit = targets.Where(ruleTargets.Contains).ToList();
                if (hit.Count == 0) continue;
                evidence.Add("targetedSystems: " + string.Join(", ", hit));
            }
            if (ruleEffects.Count > 0)
            {
                var hit = effects.Where(ruleEffects.Contains).ToList();
                if (hit.Count == 0) continue;
                evidence.Add("effects: " + string.Join(", ", hit));
            }
            if (rule.Phrases.Count > 0)
            {
                if (Evidence(narrative, affirmed[NexusGroup + 1 + r]) is not { } span) continue;
                evidence.Add(span);
            }
            reasons.Add(new(rule.Id, string.Join("; ", evidence)));
            foreach (var c in rule.Categories) categories.Add(c);
            foreach (var s in rule.Signals) signals.Add(s);
        }

        foreach (var c in categories) signals.Add("category:" + c);
        var severity = _options.Severity.First(s =>
            (s.AnySignal.Count == 0 || s.AnySignal.Any(signals.Contains)) && s.AllSignals.All(signals.Contains));
        reasons.Add(new(severity.Id, severity.AnySignal.Count + severity.AllSignals.Count == 0
            ? "no stronger signal"
            : string.Join(", ", severity.AllSignals.Concat(severity.AnySignal).Where(signals.Contains))));
        return new ClassificationResult([.. categories], severity.Level, true, [.. signals], reasons, _time.GetUtcNow(), _options.Version, indicators);
    }

    /// <summary>Whether a negation cue stands within the window of words before <paramref name="index"/>, in its sentence.</summary>
    private bool Negated(string text, int index)
    {
        var sentenceStart = index == 0 ? 0 : text.LastIndexOfAny(['.', '!', '?', ';', '\n'], index - 1) + 1;
        var words = text[sentenceStart..index].Split((char[])[' ', '\t', ',', '\r'], StringSplitOptions.RemoveEmptyEntries);
        var window = string.Join(' ', words.TakeLast(_options.NegationWindowWords));
        return _negation.IsMatch(window + " ");
    }

    /// <summary>The affirmed match as evidence: its position and text.</summary>
    private static string? Evidence(string text, (int Start, int End)? match) =>
        match is var (start, end) ? $"narrative[{start}..{end}]: \"{text[start..end]}\"" : null;

    /// <summary>Whole words or phrases, any case, with any run of spaces or hyphens between words.</summary>
    private static Regex PhraseRegex(IEnumerable<string> phrases)
    {
        var alternatives = phrases.OrderByDescending(p => p.Length)
            .Select(p => string.Join(@"[\s-]+", p.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)));
        return new Regex(@"(?<![\w-])(?:" + string.Join("|", alternatives) + @")(?![\w-])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
    }
}
