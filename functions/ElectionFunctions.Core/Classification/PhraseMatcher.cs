// Over 200 lines on purpose: the vectorised word search and its shape table belong together (docs/benchmarks.md explains them).
using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    private readonly int _groups;
    private readonly int _groupsWithPhrases;
    private readonly int _longestFirst;
    // For each shape (length, first and last letter folded, see Shape) 0, or 1 + the index in _byShape of the first words
    // of that shape. Most words of a narrative fail this test without branches; the rest are compared with a word or two.
    // (A dictionary look-up, hashing ignoring case, cost more than the rest of the loop.)
    private readonly ushort[] _shapeSlots;
    private readonly (string Word, Candidate[] Candidates)[][] _byShape;

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
        _longestFirst = byFirstWord.Count == 0 ? 0 : byFirstWord.Keys.Max(k => k.Length);
        // Lengths above the longest share the last row, which stays empty.
        _shapeSlots = new ushort[(_longestFirst + 2) << 10];
        _byShape = [.. byFirstWord.GroupBy(w => Shape(w.Key.Length, Fold(w.Key[0]), Fold(w.Key[^1])))
            .Select((shape, slot) =>
            {
                _shapeSlots[shape.Key] = checked((ushort)(slot + 1));
                return shape.Select(w => (w.Key, w.Value)).ToArray();
            })];
    }

    // Ignoring case by ordinal rules, no character beyond ASCII equals one within it, so all of them can share a bucket.
    private const int NotAscii = 31;

    /// <summary>A word's shape: its length (above the longest first word, one more than that) and its first and last letter folded.</summary>
    private int Shape(int length, int first, int last) => (Math.Min(length, _longestFirst + 1) << 10) | (first << 5) | last;

    /// <summary>An ASCII letter or digit to 5 bits, both cases alike (digits share with letters: this only filters); beyond ASCII, 31.</summary>
    private static int Fold(char c) => c > 0x7F ? NotAscii : (c | 0x20) & 0x1F;

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
        Find(text, accept, found, stopAtFirst: false);
        return found;
    }

    /// <summary>Whether any group's phrase is in <paramref name="text"/> (the negation cues in a short window).</summary>
    public bool Contains(ReadOnlySpan<char> text)
    {
        Span<(int Start, int End)?> found = _groups <= 8 ? stackalloc (int, int)?[_groups] : new (int, int)?[_groups];
        return Find(text, null, found, stopAtFirst: true);
    }

    private bool Find(ReadOnlySpan<char> text, Func<int, int, bool>? accept, Span<(int Start, int End)?> found, bool stopAtFirst)
    {
        if (_groups == 0 || text.Length == 0) return false;
        var bounds = ArrayPool<int>.Shared.Rent(text.Length + 2);
        var nextToken = ArrayPool<int>.Shared.Rent(_groups);
        try
        {
            var count = WordBounds(text, bounds);
            var starts = new Bounds(bounds, 0);
            var ends = new Bounds(bounds, 1);
            Array.Clear(nextToken, 0, _groups);
            var open = _groupsWithPhrases;
            for (var i = 0; i < count && open > 0; i++)
            {
                var length = ends[i] - starts[i];
                var slot = _shapeSlots[Shape(length, Fold(text[starts[i]]), Fold(text[ends[i] - 1]))];
                if (slot == 0 || (starts[i] > 0 && text[starts[i] - 1] == '-')) continue;
                if (FirstWordAt(text.Slice(starts[i], length), _byShape[slot - 1]) is not { } candidates) continue;
                var lastGroup = -1;
                foreach (var (words, group, _) in candidates)
                {
                    // Within a group, the first phrase (longest) that matches here is the match; later ones are not tried.
                    if (group == lastGroup || found[group] is not null || i < nextToken[group]) continue;
                    if (!MatchesAt(text, starts, ends, count, i, words)) continue;
                    lastGroup = group;
                    var last = i + words.Length - 1;
                    nextToken[group] = last + 1;
                    if (accept is null || accept(starts[i], ends[last]))
                    {
                        found[group] = (starts[i], ends[last]);
                        if (stopAtFirst) return true;
                        open--;
                    }
                }
            }
            return open < _groupsWithPhrases;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bounds);
            ArrayPool<int>.Shared.Return(nextToken);
        }
    }

    private static Candidate[]? FirstWordAt(ReadOnlySpan<char> word, (string Word, Candidate[] Candidates)[] sameShape)
    {
        foreach (var (first, candidates) in sameShape)
            if (word.Equals(first, StringComparison.OrdinalIgnoreCase)) return candidates;
        return null;
    }

    /// <summary>The starts (offset 0) or the ends (offset 1) of the words in the bounds <see cref="WordBounds"/> wrote.</summary>
    private readonly struct Bounds(int[] bounds, int offset)
    {
        public int this[int word] => bounds[2 * word + offset];
    }

    private static bool MatchesAt(ReadOnlySpan<char> text, Bounds starts, Bounds ends, int count, int first, string[] words)
    {
        var last = first + words.Length - 1;
        if (last >= count) return false;
        for (var w = 1; w < words.Length; w++)
        {
            var t = first + w;
            if (!IsSeparator(text.Slice(ends[t - 1], starts[t] - ends[t - 1]))) return false;
            if (!text.Slice(starts[t], ends[t] - starts[t]).Equals(words[w], StringComparison.OrdinalIgnoreCase)) return false;
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

    /// <summary>
    /// The maximal runs of word characters (the expression's <c>\w</c>): the start of word k at 2k in
    /// <paramref name="bounds"/> and its end at 2k + 1; returns the number of words. A bit per character says
    /// whether it is a word character, found by vector compares 8 at a time, and then each bit that differs from
    /// the one before is a boundary. A loop per character instead mispredicted its branch at every boundary
    /// (~1.6 ns a character, docs/benchmarks.md).
    /// </summary>
    public static int WordBounds(ReadOnlySpan<char> text, Span<int> bounds)
    {
        var written = 0;
        var inWord = 0UL;
        for (var block = 0; block < text.Length; block += 64)
        {
            var mask = WordMask(text.Slice(block, Math.Min(64, text.Length - block)));
            var boundaries = mask ^ ((mask << 1) | inWord);
            inWord = mask >> 63;
            while (boundaries != 0)
            {
                bounds[written++] = block + BitOperations.TrailingZeroCount(boundaries);
                boundaries &= boundaries - 1;
            }
        }
        // A word that runs to the end of the text ends there.
        if ((written & 1) == 1) bounds[written++] = text.Length;
        return written / 2;
    }

    /// <summary>Bit i set when <paramref name="chars"/>[i] (at most 64) is a word character.</summary>
    private static ulong WordMask(ReadOnlySpan<char> chars)
    {
        var mask = 0UL;
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var source = MemoryMarshal.Cast<char, ushort>(chars);
            for (; i + 8 <= chars.Length; i += 8)
            {
                var v = Vector128.Create(source.Slice(i, 8));
                // Beyond ASCII, letters and marks need the Unicode tables: those 8 are looked at one by one below.
                if (Vector128.GreaterThanAny(v, Vector128.Create((ushort)0x7F)))
                {
                    for (var j = i; j < i + 8; j++)
                        if (IsWordChar(chars[j])) mask |= 1UL << j;
                    continue;
                }
                var word = Vector128.LessThanOrEqual((v | Vector128.Create((ushort)0x20)) - Vector128.Create((ushort)'a'), Vector128.Create((ushort)25))
                    | Vector128.LessThanOrEqual(v - Vector128.Create((ushort)'0'), Vector128.Create((ushort)9))
                    | Vector128.Equals(v, Vector128.Create((ushort)'_'));
                mask |= (ulong)word.ExtractMostSignificantBits() << i;
            }
        }
        for (; i < chars.Length; i++)
            if (IsWordChar(chars[i])) mask |= 1UL << i;
        return mask;
    }

    /// <summary>.NET's <c>\w</c>: letters, non-spacing marks, decimal digits, connector punctuation.</summary>
    public static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 0x7F && CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
        or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation);
}
