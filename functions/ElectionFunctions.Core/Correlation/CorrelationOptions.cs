using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions.Correlation;

/// <summary>
/// Correlation (configuration section <c>Correlation</c>; defaults in electionsettings.json): which keys link reports,
/// which are too common to mean anything (the warning list), and how many a report or a key may hold.
/// </summary>
public sealed class CorrelationOptions
{
    public const string Section = "Correlation";

    /// <summary>Keys taken from one report, at most; the rest are left out and said so in its reasons.</summary>
    [Range(1, 200)]
    public int MaxKeysPerReport { get; set; } = 20;

    /// <summary>Reports one key links, at most; past it the key is saturated (noise by any measure) and links nothing new.</summary>
    [Range(2, 10_000)]
    public int MaxReportsPerKey { get; set; } = 200;

    /// <summary>Names of one actor: every name in <see cref="ActorAlias.Also"/> is read as <see cref="ActorAlias.Name"/>.</summary>
    public List<ActorAlias> Aliases { get; set; } = [];

    public WarningList WarningList { get; set; } = new();
}

public sealed class ActorAlias
{
    [Required]
    public string Name { get; set; } = "";
    public List<string> Also { get; set; } = [];
}

/// <summary>Keys that would link everything: shared infrastructure, private and documentation address space, platforms.</summary>
public sealed class WarningList
{
    /// <summary>Domains (and their subdomains): public resolvers' names, the largest platforms, URL shorteners' bare domains.</summary>
    public List<string> Domains { get; set; } = [];
    /// <summary>IPv4 and IPv6 networks (CIDR): private, loopback, link-local, documentation, multicast, public resolvers.</summary>
    public List<string> Networks { get; set; } = [];
    /// <summary>Whole keys, as <c>type:value</c> (for example <c>email:noreply@example.org</c>).</summary>
    public List<string> Keys { get; set; } = [];
}
