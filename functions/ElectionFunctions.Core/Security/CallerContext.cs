using ElectionFunctions.Intake;
using Microsoft.AspNetCore.Http;

namespace ElectionFunctions.Security;

public static class CallerContext
{
    /// <summary>The caller the gate admitted; a function that reads it without declaring a role is a programming error.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("No caller was admitted: the function declares no [RequiresRole].");

    public static PartnerInfo Partner(this HttpContext context) =>
        context.Caller().Partner ?? throw new InvalidOperationException("The function's [RequiresRole] does not ask for a registered partner.");
}
