using ElectionFunctions.Intake;
using Microsoft.AspNetCore.Http;

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

public static class CallerContext
{
    /// <summary>The caller the gate admitted; a function that reads it without declaring a role is a programming error.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("No caller was admitted: the function declares no [RequiresRole].");

    public static PartnerInfo Partner(this HttpContext context) =>
        context.Caller().Partner ?? throw new InvalidOperationException("The function's [RequiresRole] does not ask for a registered partner.");
}
