namespace ElectionFunctions.Security;

/// <summary>
/// On a function: the app role its caller needs, and whether the caller must be a registered partner. Read by both
/// hosts' middleware (<see cref="CallerGate"/>); a route without it is anonymous (health, the published schema).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresRoleAttribute(string role) : Attribute
{
    public string Role => role;
    public bool RegisteredPartner { get; init; }
}
