using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Classification;

/// <summary>
/// Indicators written into the narrative: URLs, e-mail addresses, IPv4/IPv6, SHA-256 and domains,
/// including defanged forms (hxxp, [.], (dot), [@], [:]). Refanged, then merged with the submitted
/// indicators and deduplicated. Only the whitespace-separated tokens that can be an indicator are found
/// and met, as spans, with an (anchored) expression: scanning whole narratives with unanchored patterns cost
/// ~0.5 ms per 4 KB, and visiting every word ~5 µs (docs/benchmarks.md).
/// </summary>
public static partial class IndicatorExtractor
{
    // Domains only with a TLD seen in reports, or when defanged, so "e.g." and file names stay out.
    private static readonly HashSet<string> Tlds = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "gov", "mil", "edu", "us", "info", "biz", "io", "co", "me", "tv", "news", "online", "site", "top",
        "xyz", "club", "live", "app", "dev", "ru", "ir", "cn", "kp", "by", "su", "ua", "uk", "de", "fr", "eu", "example", "test", "invalid",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> KnownTlds = Tlds.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly SearchValues<char> IndicatorCharacters = SearchValues.Create(".@:[({");
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n");

    private static readonly char[] Trim = ['.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '<', '>', '{', '}', '«', '»'];

    /// <summary>The submitted indicators, then the narrative's, each once.</summary>
    public static IReadOnlyList<Indicator> Merge(IReadOnlyList<Indicator> submitted, string narrative) => Collect(submitted, narrative).Merged;

    /// <summary>Most narrative indicators kept per report (as many as a body may submit), so the stored document stays bounded.</summary>
    public const int MaxExtracted = 500;

    /// <summary>Only the narrative's indicators that are not among the submitted ones, the first <see cref="MaxExtracted"/>.</summary>
    public static IReadOnlyList<Indicator> Extract(IReadOnlyList<Indicator> submitted, string narrative)
    {
        var (merged, fromSubmitted) = Collect(submitted, narrative);
        return merged.GetRange(fromSubmitted, Math.Min(MaxExtracted, merged.Count - fromSubmitted));
    }

    private static (List<Indicator> Merged, int FromSubmitted) Collect(IReadOnlyList<Indicator> submitted, string narrative)
    {
        var merged = new List<Indicator>();
        var seen = new HashSet<(string, string)>();
        void Add(string type, string value)
        {
            // URL paths and account handles keep their case; hosts, addresses and hashes do not have one.
            var normalised = type is "url" or "social-account" ? value : value.ToLowerInvariant();
            if (seen.Add((type, normalised))) merged.Add(new Indicator(type, normalised));
        }
        foreach (var i in submitted) Add(i.Type!, i.Value!);
        var fromSubmitted = merged.Count;

        // Kinds in a fixed order (URLs, e-mail, IPv4, IPv6, SHA-256, domains), each in text order.
        var found = new List<(int Kind, int Position, string Type, string Value)>();
        // A token met again (an address or domain a narrative repeats) is that indicator again, already found at its first place.
        var met = new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (start, length) in CandidateTokens(narrative))
            if (met.Add(narrative.AsSpan(start, length)) && Recognise(narrative.AsSpan(start, length)) is var (kind, type, value)) found.Add((kind, start, type, value));
        found.Sort((a, b) => a.Kind != b.Kind ? a.Kind - b.Kind : a.Position - b.Position);
        // Written as intake writes a submitted value, so both forms are one indicator. Recognise's expressions already give
        // the canonical text of every kind but a URL (its host's case, a defanged scheme or host): only URLs pass through again.
        foreach (var (_, _, type, value) in found)
        {
            var written = type == "url" ? IndicatorValues.Normalise(type, value).Value : value;
            if (written is not null) Add(type, written);
        }
        return (merged, fromSubmitted);
    }

    /// <summary>
    /// The whitespace-separated tokens that can be indicators, as (start, length) in text order: those with one of
    /// <c>.@:[({</c> (every kind but a hash needs one: a URL ':' or '[', a defanged dot a bracket) and those of 64
    /// characters or more (a hash), but not a word whose one mark is a last character that trimming removes ("suspected.").
    /// The text is searched for those characters and for 64 characters without whitespace, so the words between them
    /// are never visited one by one.
    /// </summary>
    public static List<(int Start, int Length)> CandidateTokens(string text)
    {
        var tokens = new List<(int Start, int Length)>();
        var span = text.AsSpan();
        var next = 0;
        var nextLong = 0;
        while (true)
        {
            var marked = next < span.Length ? span[next..].IndexOfAny(IndicatorCharacters) : -1;
            marked = marked < 0 ? int.MaxValue : next + marked;
            var longToken = LongTokenAt(span, ref nextLong, marked);
            var at = Math.Min(marked, longToken);
            if (at == int.MaxValue) return tokens;
            var start = span[..at].LastIndexOfAny(Whitespace) + 1;
            var end = span[at..].IndexOfAny(Whitespace) is var e and >= 0 ? at + e : span.Length;
            // No mark comes before the one found in its token, so when that is the last character and one trimming removes (the
            // full stop after a word, most candidates in prose), nothing is left to make an indicator. (A token of 64 characters
            // or more was found by its start, as a possible hash, before its last character.)
            if (at != end - 1 || Array.IndexOf(Trim, span[at]) < 0) tokens.Add((start, end - start));
            next = Math.Max(next, end);
            nextLong = Math.Max(nextLong, end);
        }
    }

    /// <summary>A position inside the first token of 64 characters or more that starts before <paramref name="before"/>; int.MaxValue if none.</summary>
    private static int LongTokenAt(ReadOnlySpan<char> text, ref int from, int before)
    {
        while (from + 64 <= text.Length && from < before)
        {
            var space = text.Slice(from, 64).LastIndexOfAny(Whitespace);
            if (space < 0) return from;
            from += space + 1;
        }
        return int.MaxValue;
    }

    /// <summary>What a whitespace-separated token is (kind rank, type, refanged value), or null when it is no indicator.</summary>
    public static (int Kind, string Type, string Value)? Recognise(ReadOnlySpan<char> raw)
    {
        // Matched as a span: only an indicator's value is copied (copying every candidate, most of them a word before a full
        // stop or a time of day, was a third of the extraction's cost).
        var token = TrimToken(raw);
        if (token.Length < 4 || (token.Length < 64 && !token.ContainsAny(IndicatorCharacters))) return null;
        // Brackets are what most defanged forms need; without them (most tokens) their searches are skipped.
        var bracketed = token.ContainsAny("[({");
        if ((token[0] | 0x20) == 'h' && (token.StartsWith("http", StringComparison.OrdinalIgnoreCase) || token.StartsWith("hxxp", StringComparison.OrdinalIgnoreCase)))
            // Refanged by IndicatorValues in its scheme and host only: a path is evidence, "hxxp" in it stays.
            return Url().IsMatch(token) ? (0, "url", token.ToString().TrimEnd('.', ',', ')', ';')) : null;
        if (token.Contains('@') || (bracketed && (token.Contains("[at]", StringComparison.OrdinalIgnoreCase) || token.Contains("(at)", StringComparison.OrdinalIgnoreCase))))
            return Email().IsMatch(token) ? (1, "email", Refang(token.ToString())) : null;
        if (token.Length == 64 && Sha256().IsMatch(token))
            return (4, "sha256", token.ToString().ToLowerInvariant());
        if (token.Count(':') >= 2)
            return IPAddress.TryParse(token, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? (3, "ipv6", address.ToString()) : null;
        // Only brackets and hxxp are refanged; most tokens here are plain "a.b".
        var refanged = bracketed || token.Contains("hxxp", StringComparison.OrdinalIgnoreCase) ? Refang(token.ToString()) : null;
        var value = refanged ?? token;
        if (!value.Contains('.')) return null;
        if (Ipv4().IsMatch(value)) return (2, "ipv4", refanged ?? token.ToString());
        var defanged = refanged is not null && !value.SequenceEqual(token);
        if (Domain().IsMatch(value) && (defanged || KnownTlds.Contains(value[(value.LastIndexOf('.') + 1)..])))
            return (5, "domain", value.ToString().ToLowerInvariant());
        return null;
    }

    /// <summary>Punctuation around a token, but not the brackets of a defanged "[.]" or "(dot)" inside it.</summary>
    private static ReadOnlySpan<char> TrimToken(ReadOnlySpan<char> token)
    {
        var start = 0;
        var end = token.Length;
        while (start < end && Array.IndexOf(Trim, token[start]) >= 0) start++;
        while (end > start && Array.IndexOf(Trim, token[end - 1]) >= 0 && !token[start..end].EndsWith("(dot)", StringComparison.OrdinalIgnoreCase)) end--;
        return token[start..end];
    }

    public static string Refang(string value) => Defang().Replace(value, m => m.Value.ToLowerInvariant() switch
    {
        "hxxp" => "http",
        "hxxps" => "https",
        "[.]" or "(.)" or "[dot]" or "(dot)" or "{.}" => ".",
        "[@]" or "[at]" or "(at)" => "@",
        "[:]" => ":",
        "[://]" => "://",
        _ => m.Value,
    });

    [GeneratedRegex(@"hxxps?|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[@\]|\[at\]|\(at\)|\[:\]|\[://\]", RegexOptions.IgnoreCase)]
    private static partial Regex Defang();

    private const string Dot = @"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))";

    [GeneratedRegex(@"^(?:hxxps?|https?)(?:\[:\]|:)//\S+$|^(?:hxxps?|https?)\[://\]\S+$", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+(?:@|\[@\]|\[at\]|\(at\))[A-Za-z0-9-]+(?:" + Dot + @"[A-Za-z0-9-]+)*" + Dot + @"[A-Za-z]{2,24}$", RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    [GeneratedRegex(@"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256();

    [GeneratedRegex(@"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$", RegexOptions.IgnoreCase)]
    private static partial Regex Domain();
}
