using System.Security.Claims;
using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Security;

/// <summary>Who called: the client application (<c>azp</c>/<c>appid</c>), its app roles and, on partner routes, its registry entry.</summary>
public sealed record Caller(string Id, PartnerInfo? Partner)
{
    public IReadOnlySet<string> Roles { get; init; } = new HashSet<string>();
}

/// <summary>The gate's answer: the caller, or the refusal to send instead of calling the function.</summary>
public sealed record Admission(Caller? Caller, ProblemResult? Refusal);

/// <summary>
/// Who may call a route that declares <see cref="RequiresRoleAttribute"/>: the bearer token, its app role, then on
/// partner routes the partner registry (a client that is not a registered partner is refused) and the partner's
/// request limit. Both hosts run it before the function (the worker's CallerMiddleware, the local host's endpoint
/// middleware), so they enforce exactly the same thing.
/// </summary>
public sealed partial class CallerGate(IOptions<PartnerOptions> partners, PartnerRateLimiter rateLimiter, ILogger<CallerGate> logger)
{
    public async Task<Admission> AdmitAsync(HttpContext context, RequiresRoleAttribute requirement)
    {
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is null)
        {
            LogRejected(logger, context.Request.Path, result.Failure?.Message ?? "no token");
            return Refused(Problems.Unauthorized(result.Failure is null ? "A bearer token is required." : "The bearer token is not valid."));
        }

        var principal = result.Principal;
        var clientId = principal.FindFirst("azp")?.Value ?? principal.FindFirst("appid")?.Value;
        if (string.IsNullOrEmpty(clientId)) return Refused(Problems.Unauthorized("The token names no client application (azp or appid)."));

        var roles = principal.Claims.Where(c => c.Type is "roles" or ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (!requirement.Roles.Any(roles.Contains))
        {
            LogForbidden(logger, clientId, requirement.Role);
            return Refused(Problems.Forbidden(requirement.Role));
        }
        var registered = partners.Value.Registry.TryGetValue(clientId, out var partner);
        if (!requirement.RegisteredPartner && !(requirement.PartnerIfRegistered && registered)) return Admitted(new Caller(clientId, null) { Roles = roles });

        if (!registered)
        {
            LogUnregistered(logger, clientId);
            return Refused(new(StatusCodes.Status403Forbidden, "partner-not-registered", "Partner not registered",
                "This client application is not in the partner registry."));
        }
        if (rateLimiter.TryAcquire(clientId) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            LogRateLimited(logger, clientId, seconds);
            return Refused(new(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                $"This partner's request limit is reached; retry after {seconds} s (Retry-After).")
            { RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return Admitted(new Caller(clientId, new PartnerInfo(clientId, partner!.DisplayName, partner.Kind, partner.State)) { Roles = roles });

        static Admission Refused(ProblemResult problem) => new(null, problem);
        Admission Admitted(Caller caller)
        {
            // Where the function reads it (CallerContext), whichever host runs it.
            context.Features.Set(caller);
            return new(caller, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request to {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} lacks role {Role}")]
    private static partial void LogForbidden(ILogger logger, string clientId, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} has a valid token but is not in the partner registry")]
    private static partial void LogUnregistered(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {ClientId} rate-limited; retry after {Seconds} s")]
    private static partial void LogRateLimited(ILogger logger, string clientId, int seconds);
}
