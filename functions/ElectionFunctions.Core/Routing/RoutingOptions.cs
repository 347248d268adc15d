using Microsoft.Extensions.Options;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Routing;

/// <summary>
/// The routing matrix (configuration section <c>Routing</c>): per agency, the conditions under which it
/// receives a report. A condition is signals joined by <c>&amp;</c>, all of which the classification must carry.
/// </summary>
public sealed class RoutingOptions
{
    public const string Section = "Routing";

    public Dictionary<string, List<string>> Matrix { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where AgencyMessages go: <c>StorageQueues</c> (local, Azurite) or <c>ServiceBus</c> (Azure).</summary>
    public AgencyTransport Transport { get; set; } = AgencyTransport.StorageQueues;

    /// <summary>
    /// How long a routing attempt's claim on an agency holds; after it another attempt may take the agency
    /// over (the first one crashed). Longer than the sends of one report take, far shorter than Service Bus's
    /// duplicate-detection window (one day), which drops the copy a takeover after a crash may send.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(1);
}

public enum AgencyTransport
{
    StorageQueues,
    ServiceBus,
}

public sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    private static readonly string[] Prefixes = ["in-scope", "category:", "effect:", "target:", "actor:", "topic:"];

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var failures = new List<string>();
        if (options.Matrix.Count == 0) failures.Add("Routing:Matrix is empty.");
        if (options.ClaimLease < TimeSpan.FromSeconds(1) || options.ClaimLease > TimeSpan.FromHours(1)) failures.Add("Routing:ClaimLease must be between 1 second and 1 hour.");
        foreach (var (agency, conditions) in options.Matrix)
        {
            if (!Vocabulary.Agencies.Contains(agency)) failures.Add($"Routing:Matrix: unknown agency '{agency}'.");
            foreach (var term in conditions.SelectMany(c => c.Split('&')))
            {
                if (!Prefixes.Any(p => term == p || (p.EndsWith(':') && term.StartsWith(p, StringComparison.Ordinal) && term.Length > p.Length)))
                    failures.Add($"Routing:Matrix:{agency}: unknown term '{term}'.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
