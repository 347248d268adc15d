using System.Net;
using System.Text;
using ElectionFunctions.Intake;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Correlation;

/// <summary>
/// A report's correlation keys: its indicators as they are stored (already one canonical form: refanged, lower-case
/// host, compressed IPv6), the host of each URL as a domain key, and its named actors by normalised name with aliases
/// resolved (<c>actor:apt28</c> for "Fancy Bear"). Warning-listed keys are left out, each with a reason.
/// </summary>
public sealed class CorrelationKeys
{
    private const int MaxReasons = 10;
    private readonly CorrelationOptions _options;
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _domains = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<IPNetwork> _networks = [];

    public CorrelationKeys(IOptions<CorrelationOptions> options)
    {
        _options = options.Value;
        foreach (var alias in _options.Aliases)
        {
            var name = Normalise(alias.Name);
            _aliases[name] = name;
            foreach (var also in alias.Also) _aliases[Normalise(also)] = name;
        }
        foreach (var d in _options.WarningList.Domains) _domains.Add(d.Trim().TrimEnd('.').ToLowerInvariant());
        foreach (var k in _options.WarningList.Keys) _keys.Add(k);
        foreach (var n in _options.WarningList.Networks) _networks.Add(IPNetwork.Parse(n));
    }

    public (IReadOnlyList<string> Keys, IReadOnlyList<Reason> Reasons) For(ReportDocument report)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new List<string>();
        void Add(string key)
        {
            if (!seen.Add(key)) return;
            if (Listed(key) is { } why) excluded.Add($"{key} ({why})");
            else keys.Add(key);
        }
        foreach (var indicator in ReportIndicators.All(report))
        {
            Add($"{indicator.Type}:{indicator.Value}");
            if (indicator.Type == "url" && Uri.TryCreate(indicator.Value, UriKind.Absolute, out var url) && url.HostNameType == UriHostNameType.Dns)
                Add($"domain:{url.IdnHost}");
        }
        foreach (var actor in report.Report.NamedActors)
            if (actor.Name is { Length: > 0 } name && Normalise(name) is { Length: > 0 } normal)
                Add($"actor:{_aliases.GetValueOrDefault(normal, normal)}");

        var reasons = new List<Reason>();
        if (excluded.Count > 0)
            reasons.Add(new("correlation.warning-list", string.Join("; ", excluded.Take(MaxReasons)) + (excluded.Count > MaxReasons ? $"; and {excluded.Count - MaxReasons} more" : "")));
        if (keys.Count > _options.MaxKeysPerReport)
        {
            reasons.Add(new("correlation.keys-capped", $"{keys.Count} keys; the first {_options.MaxKeysPerReport} are used"));
            keys = keys[.._options.MaxKeysPerReport];
        }
        return (keys, reasons);
    }

    /// <summary>Why a key is on the warning list, or null.</summary>
    private string? Listed(string key)
    {
        if (_keys.Contains(key)) return "listed key";
        var colon = key.IndexOf(':');
        var (type, value) = (key[..colon], key[(colon + 1)..]);
        switch (type)
        {
            case "domain":
                for (var host = value; host.Length > 0;)
                {
                    if (_domains.Contains(host)) return $"listed domain {host}";
                    var dot = host.IndexOf('.');
                    host = dot < 0 ? "" : host[(dot + 1)..];
                }
                return null;
            case "ipv4" or "ipv6":
                if (!IPAddress.TryParse(value.Split('/')[0], out var ip)) return null;
                foreach (var network in _networks)
                    if (network.Contains(ip)) return $"listed network {network}";
                return null;
            default:
                return null;
        }
    }

    /// <summary>An actor's name compared loosely: lower case, letters and digits, single spaces ("GRU Unit 26165" = "gru unit 26165").</summary>
    public static string Normalise(string name)
    {
        var text = new StringBuilder(name.Length);
        // No Unicode normalisation: the app runs with invariant globalization (README, indicator values).
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c)) text.Append(char.ToLowerInvariant(c));
            else if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
        }
        return text.ToString().TrimEnd();
    }
}
