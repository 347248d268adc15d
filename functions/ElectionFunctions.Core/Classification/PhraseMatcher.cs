using System.Buffers;
using System.Globalization;

namespace ElectionFunctions.Classification;

/// <summary>
/// Every rule's phrases found in one pass over the narrative's words, instead of one regular expression
/// per rule (19 scans of each narrative cost ~50 µs per 4 KB report, docs/benchmarks.md).
/// Matches as the expression <c>(?&lt;![\w-])(?:phrase|…)(?![\w-])</c> with any run of spaces or hyphens
/// between a phrase's words did: whole words, any case, per group left to right without overlap, and at one
/// position the longest phrase first. Case is folded by ordinal rules (the expression's culture-invariant
/// folding also equated a few look-alikes such as the Kelvin sign with K).
/// </summary>
public sealed class PhraseMatcher
{
    private readonly record struct Candidate(string[] Words, int Group, int Order);

    private readonly Dictionary<string, Candidate[]>.AlternateLookup<ReadOnlySpan<char>> _byFirstWord;
    private readonly int _groups;
    private readonly int _groupsWithPhrases;
    private readonly int _shortestFirst;
    private readonly int _longestFirst;
    // (length, first letter, last letter) of every first word: an array test that most words of a narrative fail, so few
    // reach the dictionary look-up (hashing ignoring case). Null when a first word is not ASCII letters and digits (then
    // every word is looked up).
    private readonly bool[]? _firstWordShapes;

    /// <param name="groups">The phrases of each group (a rule); a group may be empty.</param>
    public PhraseMatcher(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        _groups = groups.Count;
        _groupsWithPhrases = groups.Count(g => g.Count > 0);
        var candidates = new List<Candidate>();
        for (var g = 0; g < groups.Count; g++)
        {
            // The longest phrase is tried first at a position, as the expression's alternatives were ordered.
            var order = 0;
            foreach (var phrase in groups[g].OrderByDescending(p => p.Length))
                candidates.Add(new(Words(phrase), g, order++));
        }
        var byFirstWord = candidates
            .GroupBy(c => c.Words[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(w => w.Key, w => w.OrderBy(c => c.Group).ThenBy(c => c.Order).ToArray(), StringComparer.OrdinalIgnoreCase);
        _byFirstWord = byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
        _shortestFirst = byFirstWord.Count == 0 ? 0 : byFirstWord.Keys.Min(k => k.Length);
        _longestFirst = byFirstWord.Count == 0 ? 0 : byFirstWord.Keys.Max(k => k.Length);
        if (byFirstWord.Keys.All(k => k.All(char.IsAsciiLetterOrDigit)))
        {
            _firstWordShapes = new bool[(_longestFirst + 1) * Shapes * Shapes];
            foreach (var word in byFirstWord.Keys) _firstWordShapes[Shape(word.Length, word[0], word[^1])] = true;
        }
    }

    private const int Shapes = 37;

    /// <summary>Letters folded to lower case and digits have a bucket each; anything else the last one.</summary>
    private static int Shape(int length, char first, char last) => (length * Shapes + Bucket(first)) * Shapes + Bucket(last);

    private static int Bucket(char c) => c switch
    {
        >= 'a' and <= 'z' => c - 'a',
        >= 'A' and <= 'Z' => c - 'A',
        >= '0' and <= '9' => 26 + c - '0',
        _ => 36,
    };

    /// <summary>Whether the phrase is words of letters, digits or marks, separated by spaces or hyphens (what this matcher can find).</summary>
    public static bool IsValidPhrase(string phrase) =>
        phrase.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } words && words.All(w => w.All(IsWordChar));

    private static string[] Words(string phrase) => IsValidPhrase(phrase)
        ? phrase.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries)
        : throw new ArgumentException($"Phrase '{phrase}' must be words of letters, digits or marks, separated by spaces or hyphens.", nameof(phrase));

    /// <summary>
    /// For each group, the span (start, end) of its first match, in text order, that <paramref name="accept"/>
    /// takes (a negation check); null where none is taken.
    /// </summary>
    public (int Start, int End)?[] FirstAccepted(string text, Func<int, int, bool> accept)
    {
        var found = new (int Start, int End)?[_groups];
        if (_groups == 0 || text.Length == 0) return found;
        var starts = ArrayPool<int>.Shared.Rent(text.Length / 2 + 1);
        var ends = ArrayPool<int>.Shared.Rent(text.Length / 2 + 1);
        var nextToken = ArrayPool<int>.Shared.Rent(_groups);
        try
        {
            var count = Tokenize(text, starts, ends);
            Array.Clear(nextToken, 0, _groups);
            var open = _groupsWithPhrases;
            for (var i = 0; i < count && open > 0; i++)
            {
                var length = ends[i] - starts[i];
                if (length < _shortestFirst || length > _longestFirst) continue;
                if (starts[i] > 0 && text[starts[i] - 1] == '-') continue;
                // A word that does not start or end in ASCII may still equal a first word ignoring case: it is looked up.
                if (_firstWordShapes is not null && char.IsAscii(text[starts[i]]) && char.IsAscii(text[ends[i] - 1])
                    && !_firstWordShapes[Shape(length, text[starts[i]], text[ends[i] - 1])]) continue;
                if (!_byFirstWord.TryGetValue(text.AsSpan(starts[i], length), out var candidates)) continue;
                var lastGroup = -1;
                foreach (var (words, group, _) in candidates)
                {
                    // Within a group, the first phrase (longest) that matches here is the match; later ones are not tried.
                    if (group == lastGroup || found[group] is not null || i < nextToken[group]) continue;
                    if (!MatchesAt(text, starts, ends, count, i, words)) continue;
                    lastGroup = group;
                    var last = i + words.Length - 1;
                    nextToken[group] = last + 1;
                    if (accept(starts[i], ends[last]))
                    {
                        found[group] = (starts[i], ends[last]);
                        open--;
                    }
                }
            }
            return found;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(ends);
            ArrayPool<int>.Shared.Return(nextToken);
        }
    }

    private static bool MatchesAt(string text, int[] starts, int[] ends, int count, int first, string[] words)
    {
        var last = first + words.Length - 1;
        if (last >= count) return false;
        for (var w = 1; w < words.Length; w++)
        {
            var t = first + w;
            if (!IsSeparator(text.AsSpan(ends[t - 1], starts[t] - ends[t - 1]))) return false;
            if (!text.AsSpan(starts[t], ends[t] - starts[t]).Equals(words[w], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return ends[last] == text.Length || text[ends[last]] != '-';
    }

    /// <summary>Between two words of a phrase: one or more spaces or hyphens, nothing else.</summary>
    private static bool IsSeparator(ReadOnlySpan<char> gap)
    {
        foreach (var c in gap)
            if (c != '-' && !char.IsWhiteSpace(c)) return false;
        return true;
    }

    /// <summary>The maximal runs of word characters (the expression's <c>\w</c>).</summary>
    private static int Tokenize(string text, int[] starts, int[] ends)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !IsWordChar(text[i])) i++;
            if (i == text.Length) break;
            starts[count] = i;
            while (i < text.Length && IsWordChar(text[i])) i++;
            ends[count++] = i;
        }
        return count;
    }

    /// <summary>.NET's <c>\w</c>: letters, non-spacing marks, decimal digits, connector punctuation.</summary>
    public static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 0x7F && CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
        or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation);
}
