using ElectionFunctions.Classification;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Tests;

public sealed class IndicatorExtractorTests
{
    [Fact]
    public void Extracts_every_kind_including_defanged_forms_and_merges_with_the_submitted_ones()
    {
        const string hash = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        var narrative = $"""
            Phishing mail from svc-alerts[@]gov-notify[.]net linked to hxxps://vote-update[.]example/polls?id=7 and
            http://results.example/login. Beacons went to 203.0.113[.]47, 198.51.100(dot)23 and 2001:db8::dead:beef.
            The dropper's SHA-256 is {hash}. Infrastructure: update-service[.]ru and cdn-sync.top (see e.g. the report.pdf).
            """;
        var merged = IndicatorExtractor.Merge([new Indicator("ipv4", "203.0.113.47"), new Indicator("domain", "Known.EXAMPLE")], narrative);

        Assert.Equal(
        [
            new Indicator("ipv4", "203.0.113.47"),
            new Indicator("domain", "known.example"),
            new Indicator("url", "https://vote-update.example/polls?id=7"),
            new Indicator("url", "http://results.example/login"),
            new Indicator("email", "svc-alerts@gov-notify.net"),
            new Indicator("ipv4", "198.51.100.23"),
            new Indicator("ipv6", "2001:db8::dead:beef"),
            new Indicator("sha256", hash.ToLowerInvariant()),
            new Indicator("domain", "update-service.ru"),
            new Indicator("domain", "cdn-sync.top"),
        ], merged);
    }

    [Theory]
    [InlineData("Version 1.2.3.4.5 of the tool", 0)]
    [InlineData("Timestamps 10:30:00 and ratio 3:2", 0)]
    [InlineData("Read the report.pdf and notes.txt, e.g. section 2", 0)]
    [InlineData("nothing here", 0)]
    public void Ordinary_text_yields_no_indicators(string narrative, int count) =>
        Assert.Equal(count, IndicatorExtractor.Merge([], narrative).Count);

    [Fact]
    public void Classification_carries_only_the_narratives_new_indicators_and_says_how_many()
    {
        // The submitted indicators stay in the report: the stored document holds each indicator once.
        var report = Reports.Native(governments: ["IR"], narrative: "Traffic to 203.0.113[.]9 and bad-domain[.]ru.") with { Indicators = [new Indicator("ipv4", "203.0.113.9")] };
        var c = ShippedSettings.Classifier().Classify(report);
        Assert.Equal([new Indicator("domain", "bad-domain.ru")], c.Indicators);
        Assert.Contains(c.Reasons, r => r.Rule == "indicators.narrative" && r.Evidence.StartsWith("1 "));
    }

    [Fact]
    public void Every_token_that_is_an_indicator_is_among_the_candidates_found_without_visiting_every_word()
    {
        // Words, indicators in every form, hashes and other long tokens, joined by every kind of whitespace.
        const string hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        string[] pieces = ["the", "county", "suspected.", "(see", "a.b", "203.0.113.47", "203.0.113[.]47,", "hxxps://x[.]example/a", "http://r.example/",
            "svc[@]gov-notify[.]net", "2001:db8::1", "10:30", hash, hash.ToUpperInvariant() + ".", new string('x', 63), new string('y', 64),
            new string('z', 130), "bad-domain(dot)ru", "e.g.", "«update-service.ru»", "ahxxpb.com"];
        string[] spaces = [" ", "  ", "\t", "\n", "\r\n", " \n "];
        var random = new Random(2018);
        var recognised = 0;
        for (var n = 0; n < 2000; n++)
        {
            var text = new System.Text.StringBuilder(random.Next(2) == 0 ? "" : spaces[random.Next(spaces.Length)]);
            for (var t = random.Next(1, 25); t > 0; t--)
                text.Append(pieces[random.Next(pieces.Length)]).Append(random.Next(5) == 0 ? "" : spaces[random.Next(spaces.Length)]);
            var narrative = text.ToString();
            var candidates = IndicatorExtractor.CandidateTokens(narrative);

            var tokens = new List<(int Start, int Length)>();
            for (var i = 0; i < narrative.Length;)
            {
                if (" \t\r\n".Contains(narrative[i])) { i++; continue; }
                var start = i;
                while (i < narrative.Length && !" \t\r\n".Contains(narrative[i])) i++;
                tokens.Add((start, i - start));
            }
            // Candidates are whole tokens, in order, each once.
            Assert.All(candidates, c => Assert.Contains(c, tokens));
            Assert.Equal(candidates.OrderBy(c => c.Start).Distinct(), candidates);
            foreach (var token in tokens.Where(t => IndicatorExtractor.Recognise(narrative.AsSpan(t.Start, t.Length)) is not null))
            {
                Assert.Contains(token, candidates);
                recognised++;
            }
        }
        Assert.True(recognised > 5000, $"{recognised} indicators recognised");
    }
}
