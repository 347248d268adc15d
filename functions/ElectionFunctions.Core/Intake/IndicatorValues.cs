using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ElectionFunctions.Intake;

/// <summary>
/// An indicator's value checked and written one way per type, so the same address, domain or URL written
/// plain, in upper case or defanged is one indicator (and one correlation key). Defanged forms are refanged
/// where they can stand: <c>hxxp</c> as a URL's scheme, <c>[.]</c>, <c>(dot)</c>, <c>[@]</c>, <c>[:]</c> in a
/// host or address, never in a URL's path or an account handle. Native bodies, STIX patterns and the
/// narrative's indicators all pass here (docs/stix-mapping.md, "Indicator values").
/// </summary>
public static partial class IndicatorValues
{
    /// <summary>How much of a refused value an error message repeats.</summary>
    public const int ShownLength = 64;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The canonical value, or null and why it is not a value of <paramref name="type"/>.</summary>
    public static (string? Value, string? Error) Normalise(string type, string raw)
    {
        var value = raw.Trim();
        if (value.Length == 0 || value.Any(char.IsControl)) return (null, "Must be a value without control characters.");
        return type switch
        {
            "ipv4" => Ipv4(RefangHost(value)) is { } v4 ? (v4, null) : (null, $"'{Shown(raw)}' is not an IPv4 address (four decimal numbers 0-255, optionally /0-32)."),
            "ipv6" => Ipv6(RefangHost(value)) is { } v6 ? (v6, null) : (null, $"'{Shown(raw)}' is not an IPv6 address (optionally /0-128)."),
            "domain" => Domain(RefangHost(value)) is { } d ? (d, null) : (null, $"'{Shown(raw)}' is not a domain name (labels of letters, digits and hyphens, a top-level domain)."),
            "url" => Url(value) is { } u ? (u, null) : (null, $"'{Shown(raw)}' is not an absolute URL (scheme://host…) with a valid host."),
            "email" => Email(RefangHost(value)) is { } e ? (e, null) : (null, $"'{Shown(raw)}' is not an e-mail address."),
            "sha256" => value.Length == 64 && value.All(char.IsAsciiHexDigit) ? (value.ToLowerInvariant(), null) : (null, "A SHA-256 is 64 hexadecimal characters."),
            "social-account" => !value.Any(char.IsWhiteSpace) ? (value, null) : (null, "A social-media account has no spaces."),
            _ => (null, $"Unknown indicator type '{Shown(type)}'."),
        };
    }

    /// <summary>Up to <see cref="ShownLength"/> characters of a value, for an error message.</summary>
    public static string Shown(string value) => value.Length <= ShownLength ? value : value[..ShownLength] + "…";

    /// <summary>The bracketed dots, at-signs and colons of a defanged host, address or e-mail address.</summary>
    private static string RefangHost(string value) =>
        value.Contains('[') || value.Contains('(') || value.Contains('{') ? HostDefang().Replace(value, m => m.Value.ToLowerInvariant() switch
        {
            "[.]" or "(.)" or "{.}" or "[dot]" or "(dot)" => ".",
            "[@]" or "(@)" or "[at]" or "(at)" => "@",
            _ => ":",
        }) : value;

    private static string? Ipv4(string value)
    {
        var (address, prefix) = SplitPrefix(value, 32);
        if (address is null || !IsDottedQuad(address)) return null;
        return prefix is null ? address : $"{address}/{prefix}";
    }

    /// <summary>Four decimal numbers 0-255. Leading zeros are refused: some parsers read them as octal, so "010" has two meanings.</summary>
    private static bool IsDottedQuad(string address)
    {
        var parts = address.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')
            && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static string? Ipv6(string value)
    {
        var (address, prefix) = SplitPrefix(value, 128);
        if (address is null || !address.Contains(':') || address.Contains('%')) return null;
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6) return null;
        // RFC 5952 text: lower case, zeros compressed.
        var text = parsed.ToString();
        return prefix is null ? text : $"{text}/{prefix}";
    }

    private static (string? Address, int? Prefix) SplitPrefix(string value, int max)
    {
        var slash = value.IndexOf('/');
        if (slash < 0) return (value, null);
        var bits = value[(slash + 1)..];
        if (bits.Length is 0 or > 3 || !bits.All(char.IsAsciiDigit) || (bits.Length > 1 && bits[0] == '0')) return (null, null);
        var prefix = int.Parse(bits, CultureInfo.InvariantCulture);
        return prefix <= max ? (value[..slash], prefix) : (null, null);
    }

    /// <summary>
    /// Lower case, international names as punycode, a trailing root dot removed; RFC 1035 label rules. Invisible
    /// (format) characters are refused: a zero-width space makes a look-alike of a real name. The app runs with
    /// invariant globalization, so a decomposed (NFD) name is not composed first (docs/stix-mapping.md).
    /// </summary>
    public static string? Domain(string value)
    {
        if (value.EndsWith('.')) value = value[..^1];
        if (value.Length is 0 or > 253 || !value.Contains('.')) return null;
        string ascii;
        if (Ascii.IsValid(value))
        {
            // Most names: punycode leaves ASCII as it is, so only the case and the label rules below remain.
            ascii = value.ToLowerInvariant();
        }
        else
        {
            if (value.Any(c => char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)) return null;
            try
            {
                ascii = Idn.GetAscii(value.ToLowerInvariant()).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
        if (ascii.Length > 253) return null;
        var labels = ascii.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return null;
            if (!label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return null;
        }
        // A top-level domain is never all digits, so "1.2.3.4" and "999.1.1.1" are not domains.
        return labels[^1].All(char.IsAsciiDigit) ? null : ascii;
    }

    /// <summary>
    /// scheme://[userinfo@]host[:port] and the rest. Scheme and host are written one way (lower case, the host as its
    /// type writes it, default ports dropped); the path, query and fragment stay exactly as sent, dot segments and
    /// escapes included, because they are evidence (System.Uri would rewrite them, and read "0x7f.1" as an address).
    /// </summary>
    private static string? Url(string value)
    {
        if (value.Any(char.IsWhiteSpace)) return null;
        // The defanged scheme forms: hxxp(s), [:]//, [://].
        var match = SchemePrefix().Match(value);
        if (!match.Success) return null;
        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        scheme = scheme.StartsWith("hxxp", StringComparison.Ordinal) ? "http" + scheme[4..] : scheme;
        var rest = value[match.Length..];
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = RefangHost(authorityEnd < 0 ? rest : rest[..authorityEnd]);
        var tail = authorityEnd < 0 ? "" : rest[authorityEnd..];

        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority[..(at + 1)];
        var hostPort = authority[(at + 1)..];
        string hostText;
        string? port = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0) return null;
            hostText = hostPort[..(close + 1)];
            if (close + 1 < hostPort.Length)
            {
                if (hostPort[close + 1] != ':') return null;
                port = hostPort[(close + 2)..];
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            hostText = colon < 0 ? hostPort : hostPort[..colon];
            port = colon < 0 ? null : hostPort[(colon + 1)..];
        }

        string? host = hostText.StartsWith('[') && hostText.EndsWith(']') && Ipv6(hostText[1..^1]) is { } v6 && !v6.Contains('/') ? $"[{v6}]"
            : hostText.Length > 0 && hostText.All(c => char.IsAsciiDigit(c) || c == '.') ? (IsDottedQuad(hostText) ? hostText : null)
            : Domain(hostText);
        if (host is null) return null;
        if (port is not null)
        {
            if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, CultureInfo.InvariantCulture) is 0 or > 65535) return null;
            port = int.Parse(port, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            if ((scheme, port) is ("http", "80") or ("https", "443") or ("ftp", "21")) port = null;
        }
        return $"{scheme}://{userInfo}{host}{(port is null ? "" : ":" + port)}{tail}";
    }

    private static string? Email(string value)
    {
        var at = value.LastIndexOf('@');
        if (at <= 0 || at > 64 || at == value.Length - 1) return null;
        var local = value[..at];
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..")) return null;
        if (!local.All(c => c > ' ' && c < 127 && "()<>[]\\,;:\"@".IndexOf(c) < 0)) return null;
        // Local parts are compared without case, as every large provider does.
        return Domain(value[(at + 1)..]) is { } domain ? local.ToLowerInvariant() + "@" + domain : null;
    }

    [GeneratedRegex(@"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[@\]|\(@\)|\[at\]|\(at\)|\[:\]", RegexOptions.IgnoreCase)]
    private static partial Regex HostDefang();

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)(?:://|\[://\]|\[:\]//)")]
    private static partial Regex SchemePrefix();
}
