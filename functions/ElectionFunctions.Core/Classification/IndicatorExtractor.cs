using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Classification;

/// <summary>
/// Indicators written into the narrative: URLs, e-mail addresses, IPv4/IPv6, SHA-256 and domains,
/// including defanged forms (hxxp, [.], (dot), [@], [:]). Refanged, then merged with the submitted
/// indicators and deduplicated. The narrative is cut into whitespace-separated tokens and only tokens
/// that can be an indicator are copied and meet an (anchored) expression: scanning whole narratives with
/// unanchored patterns cost ~0.5 ms per 4 KB (docs/benchmarks.md).
/// </summary>
public static partial class IndicatorExtractor
{
    // Domains only with a TLD seen in reports, or when defanged, so "e.g." and file names stay out.
    private static readonly HashSet<string> Tlds = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "gov", "mil", "edu", "us", "info", "biz", "io", "co", "me", "tv", "news", "online", "site", "top",
        "xyz", "club", "live", "app", "dev", "ru", "ir", "cn", "kp", "by", "su", "ua", "uk", "de", "fr", "eu", "example", "test", "invalid",
    };

    private static readonly SearchValues<char> IndicatorCharacters = SearchValues.Create(".@:[({");

    private static readonly char[] Trim = ['.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '<', '>', '{', '}', '«', '»'];

    public static IReadOnlyList<Indicator> Merge(IReadOnlyList<Indicator> submitted, string narrative)
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

        // Kinds in a fixed order (URLs, e-mail, IPv4, IPv6, SHA-256, domains), each in text order.
        var found = new List<(int Kind, int Position, string Type, string Value)>();
        var position = 0;
        foreach (var range in narrative.AsSpan().SplitAny(" \t\r\n"))
        {
            var raw = narrative.AsSpan(range);
            if (raw.IsEmpty) continue;
            position++;
            // Every kind below needs one of these characters (a URL ':' or '[', a defanged dot a bracket) or a hash's 64
            // characters: most words are skipped here without being copied.
            if (raw.Length < 64 && !raw.ContainsAny(IndicatorCharacters)) continue;
            var trimmed = TrimToken(raw);
            // Again without the punctuation around it: "suspected." is a word.
            if (trimmed.Length < 4 || (trimmed.Length < 64 && !trimmed.ContainsAny(IndicatorCharacters))) continue;
            var token = trimmed.ToString();
            var lower = token.ToLowerInvariant();
            if (lower.StartsWith("http", StringComparison.Ordinal) || lower.StartsWith("hxxp", StringComparison.Ordinal))
            {
                if (Url().IsMatch(token)) found.Add((0, position, "url", Refang(token).TrimEnd('.', ',', ')', ';')));
                continue;
            }
            if (token.Contains('@') || lower.Contains("[at]") || lower.Contains("(at)"))
            {
                if (Email().IsMatch(token)) found.Add((1, position, "email", Refang(token)));
                continue;
            }
            if (token.Length == 64 && Sha256().IsMatch(token))
            {
                found.Add((4, position, "sha256", token.ToLowerInvariant()));
                continue;
            }
            if (token.Count(c => c == ':') >= 2)
            {
                if (IPAddress.TryParse(token, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6) found.Add((3, position, "ipv6", address.ToString()));
                continue;
            }
            // Only brackets and hxxp are refanged; most tokens here are plain "a.b".
            var refanged = token.AsSpan().ContainsAny("[({") || lower.Contains("hxxp", StringComparison.Ordinal) ? Refang(token) : token;
            if (!refanged.Contains('.')) continue;
            if (Ipv4().IsMatch(refanged)) found.Add((2, position, "ipv4", refanged));
            else if (Domain().IsMatch(refanged) && (refanged != token || Tlds.Contains(refanged[(refanged.LastIndexOf('.') + 1)..])))
                found.Add((5, position, "domain", refanged.ToLowerInvariant()));
        }
        foreach (var (_, _, type, value) in found.OrderBy(f => f.Kind).ThenBy(f => f.Position)) Add(type, value);
        return merged;
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
