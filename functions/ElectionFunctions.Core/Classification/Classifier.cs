using System.Buffers;
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
    private readonly PhraseMatcher _negation;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _listWords;

    public Classifier(IOptions<ClassificationOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _rules = [.. _options.Rules.Select(r => new CompiledRule(r, [.. r.AnyTarget], [.. r.AnyEffect]))];
        _phrases = new PhraseMatcher([_options.ForeignNexusPhrases, .. _options.Rules.Select(r => r.Phrases)]);
        // The cues as phrases too: in the few words before a match, a word-by-word look costs a fifth of an expression's.
        _negation = new PhraseMatcher([_options.NegationCues]);
        _listWords = new HashSet<string>(_options.NegationListWords, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ClassificationResult Classify(StoredReport report)
    {
        var reasons = new List<Reason>();
        var signals = new SortedSet<string>(StringComparer.Ordinal);
        var categories = new SortedSet<string>(StringComparer.Ordinal);
        var targets = report.TargetedSystems ?? [];
        var effects = report.Effects ?? [];
        var narrative = report.Narrative ?? "";
        // Only what the narrative adds: the submitted indicators stay in the report (the document holds each once).
        var indicators = IndicatorExtractor.Extract(report.Indicators ?? [], narrative);
        if (indicators.Count > 0) reasons.Add(new("indicators.narrative", $"{indicators.Count} indicator(s) extracted from the narrative"));

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
        }
        // An agent of a suspected government: anyone named as engaged for it, whatever their nationality (a US citizen
        // directed by a foreign service, a national of a third country); a foreign group with no government alleged is not.
        if (governments.Count > 0 && (report.NamedActors ?? []).Any(a => a.Role is null or "engaged")) signals.Add("actor:foreign-agent");
        var affirmed = _phrases.FirstAccepted(narrative, (start, _) => !Negated(narrative, start));
        var narrativeNexus = Evidence(narrative, affirmed[NexusGroup]);
        if (narrativeNexus is not null) reasons.Add(new("nexus.narrative", narrativeNexus));

        var noElection = report.ElectionId == Reporting.Elections.None;
        if (noElection || report.FederalContest == false || (governments.Count == 0 && foreignActors.Count == 0 && narrativeNexus is null))
        {
            reasons.Add(noElection ? new Reason(Reporting.Elections.NoneRule, "no federal election applies (electionId: none)")
                : report.FederalContest == false ? new Reason("scope.non-federal", "federalContest: false")
                : new Reason("scope.no-foreign-nexus", "no suspected foreign government, foreign actor or affirmed foreign involvement in the narrative"));
            signals.Remove("actor:foreign-agent");
            signals.Add("category:" + Categories.OutOfScope);
            // Severity follows the effect whatever the scope: altered results are critical even where the order does not apply.
            return new ClassificationResult([Categories.OutOfScope], Severity(signals, reasons), false,
                [.. signals], reasons, _time.GetUtcNow(), _options.Version, indicators);
        }
        signals.Add("in-scope");

        for (var r = 0; r < _rules.Length; r++)
        {
            var (rule, ruleTargets, ruleEffects) = _rules[r];
            if (rule.UnlessCategories.Count > 0 && rule.UnlessCategories.Exists(categories.Contains)) continue;
            string? targetHits = null, effectHits = null, span = null;
            if (ruleTargets.Count > 0 && (targetHits = Hits(targets, ruleTargets)) is null) continue;
            if (ruleEffects.Count > 0 && (effectHits = Hits(effects, ruleEffects)) is null) continue;
            if (rule.Phrases.Count > 0 && (span = Evidence(narrative, affirmed[NexusGroup + 1 + r])) is null) continue;
            string?[] evidence = [targetHits is null ? null : "targetedSystems: " + targetHits, effectHits is null ? null : "effects: " + effectHits, span];
            reasons.Add(new(rule.Id, string.Join("; ", evidence.OfType<string>())));
            foreach (var c in rule.Categories) categories.Add(c);
            foreach (var s in rule.Signals) signals.Add(s);
        }

        foreach (var c in categories) signals.Add("category:" + c);
        return new ClassificationResult([.. categories], Severity(signals, reasons), true, [.. signals], reasons, _time.GetUtcNow(), _options.Version, indicators);
    }

    /// <summary>The first severity rule whose signals hold (the last has none: the default), with its reason.</summary>
    private string Severity(SortedSet<string> signals, List<Reason> reasons)
    {
        var severity = _options.Severity.First(s =>
            (s.AnySignal.Count == 0 || s.AnySignal.Any(signals.Contains)) && s.AllSignals.All(signals.Contains));
        reasons.Add(new(severity.Id, severity.AnySignal.Count + severity.AllSignals.Count == 0
            ? "no stronger signal"
            : string.Join(", ", severity.AllSignals.Concat(severity.AnySignal).Where(signals.Contains))));
        return severity.Level;
    }

    /// <summary>The values (in the report's order) the rule names, joined; null when it names none of them.</summary>
    private static string? Hits(IReadOnlyList<string> values, HashSet<string> named)
    {
        string? hits = null;
        foreach (var value in values)
            if (named.Contains(value)) hits = hits is null ? value : hits + ", " + value;
        return hits;
    }

    /// <summary>Whether a negation cue stands within the window of words before <paramref name="index"/>, in its sentence.</summary>
    private bool Negated(string text, int index)
    {
        var sentenceStart = index == 0 ? 0 : text.AsSpan(0, index).LastIndexOfAny(SentenceEnds) + 1;
        var sentence = text.AsSpan(sentenceStart, index - sentenceStart);
        // Back over the last NegationWindowWords words (the sentence split at WordSeparators), list words not counted.
        var from = sentence.Length;
        for (var words = 0; words < _options.NegationWindowWords;)
        {
            var end = sentence[..from].LastIndexOfAnyExcept(WordSeparators);
            if (end < 0) break;
            from = sentence[..end].LastIndexOfAny(WordSeparators) + 1;
            if (!IsListWord(sentence[from..(end + 1)])) words++;
        }
        // Those words one space apart.
        var tail = sentence[from..];
        var buffer = tail.Length < 256 ? null : ArrayPool<char>.Shared.Rent(tail.Length + 1);
        Span<char> window = buffer ?? stackalloc char[256];
        var length = 0;
        foreach (var range in tail.SplitAny(WordSeparators))
        {
            if (range.Start.Value == range.End.Value) continue;
            tail[range].CopyTo(window[length..]);
            length += range.End.Value - range.Start.Value;
            window[length++] = ' ';
        }
        if (length == 0) window[length++] = ' ';
        var negated = _negation.Contains(window[..length]);
        if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
        return negated;
    }

    private bool IsListWord(ReadOnlySpan<char> word) => _listWords.Set.Count > 0 && _listWords.Contains(word);

    private static readonly SearchValues<char> SentenceEnds = SearchValues.Create(".!?;\n");
    private static readonly SearchValues<char> WordSeparators = SearchValues.Create(" \t,\r");

    /// <summary>The affirmed match as evidence: its position and text.</summary>
    private static string? Evidence(string text, (int Start, int End)? match) =>
        match is var (start, end) ? $"narrative[{start}..{end}]: \"{text[start..end]}\"" : null;
}
