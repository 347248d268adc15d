using System.Text;
using System.Text.Json.Nodes;
using ElectionFunctions.Classification;

namespace ElectionFunctions.Tests;

/// <summary>
/// The one-pass phrase matcher against the regular expressions it replaced (<see cref="ReferencePhrases"/>):
/// the same first accepted match per rule, on the labelled narratives and on generated text full of near misses.
/// </summary>
public sealed class PhraseMatcherTests
{
    private static readonly List<List<string>> Groups =
        [ShippedSettings.Rules.ForeignNexusPhrases, .. ShippedSettings.Rules.Rules.Select(r => r.Phrases)];

    private static readonly PhraseMatcher Matcher = new(Groups);

    private static readonly ReferencePhrases Reference = new(Groups);

    private static void AssertAgree(string text, Func<int, int, bool> accept)
    {
        var expected = Reference.FirstAccepted(text, accept);
        var actual = Matcher.FirstAccepted(text, accept);
        Assert.True(expected.SequenceEqual(actual), $"Text: {text}\nexpected: {string.Join(", ", expected)}\nactual:   {string.Join(", ", actual)}");
    }

    public static TheoryData<string> Narratives()
    {
        var set = JsonNode.Parse(File.ReadAllText(Evaluation.Evaluator.DefaultSet))!;
        return [.. set["reports"]!.AsArray().Select(r => r!["report"]!["narrative"]!.GetValue<string>())];
    }

    [Theory]
    [MemberData(nameof(Narratives))]
    public void Finds_what_the_expressions_found_in_the_labelled_narratives(string narrative)
    {
        AssertAgree(narrative, (_, _) => true);
        AssertAgree(narrative, (start, _) => start % 2 == 1);
    }

    [Fact]
    public void Finds_what_the_expressions_found_in_generated_near_misses()
    {
        // Phrase words in any case, split or joined by every separator, next to letters, digits, marks and hyphens.
        var words = Groups.SelectMany(g => g).SelectMany(p => p.Split([' ', '-'])).Distinct().ToArray();
        string[] others = ["the", "anti", "e", "x", "é", "Ж", "_", "1", "\u0301", "ß", "no", "not", "poll"];
        string[] separators = [" ", " ", " ", "  ", "-", " - ", "--", "\t", "\n", ", ", ". ", "'", "/", "", "_"];
        var random = new Random(13848);
        var agreed = 0;
        for (var n = 0; n < 3000; n++)
        {
            var text = new StringBuilder();
            for (var t = random.Next(1, 30); t > 0; t--)
            {
                var word = random.Next(4) == 0 ? others[random.Next(others.Length)] : words[random.Next(words.Length)];
                text.Append(random.Next(3) switch { 0 => word.ToUpperInvariant(), 1 => word.ToLowerInvariant(), _ => word });
                text.Append(separators[random.Next(separators.Length)]);
            }
            var s = text.ToString();
            AssertAgree(s, (_, _) => true);
            AssertAgree(s, (start, end) => (start + end) % 3 != 0);
            agreed++;
        }
        Assert.Equal(3000, agreed);
    }

    [Fact]
    public void Finds_a_negation_cue_where_the_cue_expression_did()
    {
        // The classifier's negation window (a few words, one space apart) once went to one expression of all cues.
        var cues = ShippedSettings.Rules.NegationCues;
        var matcher = new PhraseMatcher([cues]);
        var reference = new ReferencePhrases([cues]);
        var words = cues.SelectMany(c => c.Split(' ')).Concat(["noting", "knot", "evidence", "of", "ruled", "x-no", "no-", "NOT", "Never"]).ToArray();
        var random = new Random(1848);
        var negated = 0;
        for (var n = 0; n < 3000; n++)
        {
            var window = string.Concat(Enumerable.Range(0, random.Next(0, 7)).Select(_ => words[random.Next(words.Length)] + (random.Next(5) == 0 ? "-" : " ")));
            var expected = reference.FirstAccepted(window, (_, _) => true)[0] is not null;
            Assert.True(expected == matcher.Contains(window), $"Window: '{window}', expected {expected}");
            if (expected) negated++;
        }
        // Both answers occur, so the agreement says something.
        Assert.InRange(negated, 300, 2700);
    }

    [Fact]
    public void Cuts_text_into_the_same_words_as_a_loop_over_its_characters()
    {
        // Every kind of character next to every other, across the 8- and 64-character blocks of the vector search.
        const string alphabet = "aZm09_ -.,'\t\n@[~\u007F\u0080éЖß\u0301\u00A0\u2028ı\u212A中\uD83D\uDDF3";
        var random = new Random(2018);
        var bounds = new int[402];
        for (var n = 0; n < 5000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 400)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var expected = new List<int>();
            for (var i = 0; i < text.Length; i++)
                if (PhraseMatcher.IsWordChar(text[i]) != (i > 0 && PhraseMatcher.IsWordChar(text[i - 1]))) expected.Add(i);
            if (expected.Count % 2 == 1) expected.Add(text.Length);
            var count = PhraseMatcher.WordBounds(text, bounds);
            Assert.Equal(expected, bounds[..(2 * count)]);
        }
    }

    [Fact]
    public void Phrases_beyond_ASCII_match_in_any_case()
    {
        // Ā and ā are one apart, not 0x20 as in ASCII: folding them as ASCII would put the two cases in different buckets.
        var matcher = new PhraseMatcher([["ārvalstu iejaukšanās"], ["Žurnālists"]]);
        Assert.Equal([(4, 24), (25, 35)], matcher.FirstAccepted("par ĀRVALSTU IEJAUKŠANĀS žurnālists", (_, _) => true));
    }

    [Theory]
    [InlineData("an anti-phishing filter", null)]
    [InlineData("phishing-resistant keys", null)]
    [InlineData("a spear - phishing mail", "spear - phishing")]
    [InlineData("a SPEAR\tPhishing mail", "SPEAR\tPhishing")]
    [InlineData("spear phishing_kit and phishing.", "phishing")]
    public void Matches_whole_words_with_spaces_or_hyphens_between_them(string text, string? expected)
    {
        var group = Groups.FindIndex(g => g.Contains("spear phishing"));
        var found = Matcher.FirstAccepted(text, (_, _) => true)[group];
        Assert.Equal(expected, found is var (start, end) ? text[start..end] : null);
    }

    [Fact]
    public void At_one_position_the_longest_phrase_wins_and_a_refused_match_is_passed_over()
    {
        var matcher = new PhraseMatcher([["voter roll", "voter rolls", "rolls"]]);
        Assert.Equal((0, 11), matcher.FirstAccepted("voter rolls were copied", (_, _) => true)[0]);
        // The refused "voter rolls" is not matched again as "rolls" inside it (no overlap), but a later "rolls" is.
        Assert.Equal((17, 22), matcher.FirstAccepted("voter rolls, and rolls", (start, _) => start > 0)[0]);
        Assert.Null(matcher.FirstAccepted("voter rolls", (start, _) => start > 0)[0]);
    }
}
