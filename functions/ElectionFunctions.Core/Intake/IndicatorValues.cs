using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ElectionFunctions.Classification;

namespace ElectionFunctions.Intake;

/// <summary>
/// An indicator's value checked and written one way per type, so the same address, domain or URL written
/// plain, in upper case or defanged is one indicator (and one correlation key). Defanged forms (hxxp, [.],
/// (dot), [@], [:]) are refanged first. Native bodies, STIX patterns and the narrative's indicators all pass here.
/// </summary>
public static class IndicatorValues
{
    /// <summary>How much of a refused value an error message repeats.</summary>
    public const int ShownLength = 64;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The canonical value, or null and why it is not a value of <paramref name="type"/>.</summary>
    public static (string? Value, string? Error) Normalise(string type, string raw)
    {
        var value = raw.Trim();
        if (value.Length == 0 || value.Any(char.IsControl)) return (null, "Must be a value without control characters.");
        if (type != "sha256") value = IndicatorExtractor.Refang(value);
        return type switch
        {
            "ipv4" => Ipv4(value) is { } v4 ? (v4, null) : (null, $"'{Shown(raw)}' is not an IPv4 address (four decimal numbers 0-255, optionally /0-32)."),
            "ipv6" => Ipv6(value) is { } v6 ? (v6, null) : (null, $"'{Shown(raw)}' is not an IPv6 address (optionally /0-128)."),
            "domain" => Domain(value) is { } d ? (d, null) : (null, $"'{Shown(raw)}' is not a domain name (labels of letters, digits and hyphens, a top-level domain)."),
            "url" => Url(value) is { } u ? (u, null) : (null, $"'{Shown(raw)}' is not an absolute URL with a host."),
            "email" => Email(value) is { } e ? (e, null) : (null, $"'{Shown(raw)}' is not an e-mail address."),
            "sha256" => value.Length == 64 && value.All(char.IsAsciiHexDigit) ? (value.ToLowerInvariant(), null) : (null, "A SHA-256 is 64 hexadecimal characters."),
            "social-account" => !value.Any(char.IsWhiteSpace) ? (value, null) : (null, "A social-media account has no spaces."),
            _ => (null, $"Unknown indicator type '{Shown(type)}'."),
        };
    }

    /// <summary>Up to <see cref="ShownLength"/> characters of a value, for an error message.</summary>
    public static string Shown(string value) => value.Length <= ShownLength ? value : value[..ShownLength] + "…";

    private static string? Ipv4(string value)
    {
        var (address, prefix) = SplitPrefix(value, 32);
        if (address is null) return null;
        var parts = address.Split('.');
        if (parts.Length != 4) return null;
        foreach (var p in parts)
        {
            // Leading zeros are refused: some parsers read them as octal, so "010" has two meanings.
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0') || int.Parse(p, CultureInfo.InvariantCulture) > 255) return null;
        }
        return prefix is null ? address : $"{address}/{prefix}";
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

    /// <summary>Lower case, international names as punycode, a trailing root dot removed; RFC 1035 label rules.</summary>
    public static string? Domain(string value)
    {
        if (value.EndsWith('.')) value = value[..^1];
        if (value.Length is 0 or > 253 || !value.Contains('.')) return null;
        string ascii;
        try
        {
            ascii = Idn.GetAscii(value).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
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

    /// <summary>An absolute URL with a host: scheme and host in lower case (host as punycode), the rest as sent.</summary>
    private static string? Url(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.HostNameType is UriHostNameType.Unknown || string.IsNullOrEmpty(uri.Host)) return null;
        if (!uri.Scheme.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-' or '.') || uri.IsFile || uri.IsUnc) return null;
        // A hierarchical URL ("scheme://host..."): mailto:, urn: and the like name no host to block.
        if (!value.AsSpan(uri.Scheme.Length).StartsWith("://", StringComparison.Ordinal)) return null;
        if (uri.HostNameType == UriHostNameType.Dns && Domain(uri.IdnHost) is null) return null;
        var authority = (uri.UserInfo.Length > 0 ? uri.UserInfo + "@" : "") + (uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost.Trim('[', ']')}]" : uri.IdnHost.ToLowerInvariant())
            + (uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture));
        return $"{uri.Scheme}://{authority}{uri.PathAndQuery}{uri.Fragment}";
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
}
