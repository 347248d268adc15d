namespace ElectionFunctions.Intake;

/// <summary>
/// The partner registry (configuration section <c>Partners</c>): client application id (the token's
/// <c>azp</c>/<c>appid</c>) → who the partner is. A token from an unregistered client is refused.
/// </summary>
public sealed class PartnerOptions
{
    public const string Section = "Partners";

    public Dictionary<string, Partner> Registry { get; set; } = new(StringComparer.Ordinal);
}

public sealed record Partner
{
    public string DisplayName { get; init; } = "";
    /// <summary>state-election-office, local-election-office, isac, private-sector or federal.</summary>
    public string Kind { get; init; } = "";
    /// <summary>USPS code for state and local offices.</summary>
    public string? State { get; init; }
    /// <summary>This partner's own request limit (RateLimit:RequestsPerSecond otherwise).</summary>
    public int? RequestsPerSecond { get; init; }
    /// <summary>This partner's own burst (RateLimit:Burst otherwise).</summary>
    public int? Burst { get; init; }
}

/// <summary>What a report records of its partner.</summary>
public sealed record PartnerInfo(string Id, string DisplayName, string Kind, string? State);
