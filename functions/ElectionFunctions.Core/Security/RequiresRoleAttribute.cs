namespace ElectionFunctions.Security;

/// <summary>
/// On a function: the app roles its caller may hold (any one admits), and whether the caller must be a registered partner.
/// Read by both hosts' middleware (<see cref="CallerGate"/>); a route without it is anonymous (health, the published schema).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public class RequiresRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles => roles;

    /// <summary>The roles as a refusal names them.</summary>
    public string Role => string.Join("' or '", roles);

    public bool RegisteredPartner { get; init; }

    /// <summary>
    /// Partners and others share the route (TAXII): a registered partner is resolved and rate-limited as on partner
    /// routes, and a caller that is not one (an agency) is admitted without.
    /// </summary>
    public bool PartnerIfRegistered { get; init; }
}
