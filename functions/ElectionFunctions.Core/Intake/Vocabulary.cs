namespace ElectionFunctions.Intake;

/// <summary>The closed vocabularies of API.md; unknown values are rejected with the allowed list.</summary>
public static class Vocabulary
{
    public static readonly IReadOnlySet<string> TargetedSystems = Set(
        "voter-registration-database", "e-pollbook", "voting-machine", "tabulation", "results-transmission",
        "results-reporting-website", "election-office-network", "election-vendor", "campaign-network",
        "campaign-email", "party-organization", "candidate", "voters", "election-officials", "social-media",
        "news-media");

    public static readonly IReadOnlySet<string> Effects = Set(
        "access-gained", "data-disclosed", "data-altered", "tabulation-affected", "transmission-delayed",
        "attempted-only", "intimidation", "disinformation-published", "funds-transferred", "service-disrupted");

    public static readonly IReadOnlySet<string> Tlp = Set("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED");

    public static readonly IReadOnlySet<string> Agencies = Set("odni", "dhs", "doj", "treasury");

    public static readonly IReadOnlySet<string> ActorKinds = Set("person", "organization");

    public static readonly IReadOnlySet<string> ActorRoles = Set("engaged", "supported", "owned-or-controlled");

    public static readonly IReadOnlySet<string> IndicatorTypes = Set("ipv4", "ipv6", "domain", "url", "email", "sha256", "social-account");

    public static readonly IReadOnlySet<string> States = Set(
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
        "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
        "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP",
        "PR", "VI");

    public const string DefaultTlp = "AMBER";

    private static IReadOnlySet<string> Set(params string[] values) => new HashSet<string>(values, StringComparer.Ordinal);
}
