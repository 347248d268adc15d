using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Classification;

/// <summary>
/// Indicators written into the narrative: URLs, e-mail addresses, IPv4/IPv6, SHA-256 and domains,
/// including defanged forms (hxxp, [.], (dot), [@], [:]). Refanged, then merged with the submitted
/// indicators and deduplicated (type and value, case-insensitive for all but URLs).
/// </summary>
public static partial class IndicatorExtractor
{
    // Domains only with a TLD seen in reports, or when defanged, so "e.g." and file names stay out.
    private static readonly HashSet<string> Tlds = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "gov", "mil", "edu", "us", "info", "biz", "io", "co", "me", "tv", "news", "online", "site", "top",
        "xyz", "club", "live", "app", "dev", "ru", "ir", "cn", "kp", "by", "su", "ua", "uk", "de", "fr", "eu", "example", "test", "invalid",
    };

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

        var text = narrative;
        foreach (Match m in Url().Matches(text)) Add("url", Refang(m.Value).TrimEnd('.', ',', ')', ';'));
        foreach (Match m in Email().Matches(text)) Add("email", Refang(m.Value));
        foreach (Match m in Ipv4().Matches(text)) Add("ipv4", Refang(m.Value));
        foreach (Match m in Ipv6Candidate().Matches(text))
        {
            if (IPAddress.TryParse(m.Value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6) Add("ipv6", address.ToString());
        }
        foreach (Match m in Sha256().Matches(text)) Add("sha256", m.Value.ToLowerInvariant());
        // Domains outside URLs and e-mail addresses (those are indicators already).
        var withoutUrlsAndEmails = Email().Replace(Url().Replace(text, " "), " ");
        foreach (Match m in Domain().Matches(withoutUrlsAndEmails))
        {
            var value = Refang(m.Value);
            var defanged = value != m.Value;
            if (defanged || Tlds.Contains(value[(value.LastIndexOf('.') + 1)..])) Add("domain", value.ToLowerInvariant());
        }
        return merged;
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

    [GeneratedRegex(@"\b(?:hxxps?|https?)(?:\[:\]|:)//[^\s<>""']+|\b(?:hxxps?|https?)\[://\][^\s<>""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+(?:@|\[@\]|\[at\]|\(at\))[A-Za-z0-9-]+(?:" + Dot + @"[A-Za-z0-9-]+)*" + Dot + @"[A-Za-z]{2,24}\b", RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)" + Dot + @"){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)", RegexOptions.IgnoreCase)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")]
    private static partial Regex Ipv6Candidate();

    [GeneratedRegex(@"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")]
    private static partial Regex Sha256();

    [GeneratedRegex(@"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?" + Dot + @")+[a-z]{2,24}\b", RegexOptions.IgnoreCase)]
    private static partial Regex Domain();
}
