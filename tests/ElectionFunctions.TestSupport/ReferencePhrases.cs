using System.Text.RegularExpressions;

namespace ElectionFunctions.TestSupport;

/// <summary>
/// The phrase rules as the classifier ran them before <see cref="Classification.PhraseMatcher"/>: one
/// regular expression per rule, each scanning the whole narrative. The reference the matcher is tested
/// against, and the "before" of the benchmark.
/// </summary>
public sealed class ReferencePhrases(IEnumerable<IReadOnlyList<string>> groups)
{
    private readonly Regex?[] _expressions = [.. groups.Select(g => g.Count == 0 ? null : Expression(g))];

    private static Regex Expression(IEnumerable<string> phrases)
    {
        var alternatives = phrases.OrderByDescending(p => p.Length)
            .Select(p => string.Join(@"[\s-]+", p.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)));
        return new Regex(@"(?<![\w-])(?:" + string.Join("|", alternatives) + @")(?![\w-])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>Per group, the first match <paramref name="accept"/> takes, as (start, end).</summary>
    public (int Start, int End)?[] FirstAccepted(string text, Func<int, int, bool> accept) =>
    [
        .. _expressions.Select(regex => regex?.Matches(text).Where(m => accept(m.Index, m.Index + m.Length))
            .Select(m => ((int, int)?)(m.Index, m.Index + m.Length)).FirstOrDefault()),
    ];
}
