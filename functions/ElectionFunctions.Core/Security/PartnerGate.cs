using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Security;

/// <summary>
/// Who may call a partner route: the token and its app role (<see cref="RequestAuthorizer"/>), then the partner
/// registry (a client that is not a registered partner is refused), then the partner's request limit. Null when the
/// refusal (401, 403, 429) has been written.
/// </summary>
public sealed partial class PartnerGate(RequestAuthorizer authorizer, IOptions<PartnerOptions> partners, PartnerRateLimiter rateLimiter, ILogger<PartnerGate> logger)
{
    public async Task<PartnerInfo?> AdmitAsync(HttpContext context, string role)
    {
        var partnerId = await authorizer.AuthorizeAsync(context, role).ConfigureAwait(false);
        if (partnerId is null) return null;
        if (!partners.Value.Registry.TryGetValue(partnerId, out var partner))
        {
            LogUnregistered(logger, partnerId);
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "partner-not-registered", "Partner not registered",
                "This client application is not in the partner registry.").ConfigureAwait(false);
            return null;
        }
        if (rateLimiter.TryAcquire(partnerId) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            LogRateLimited(logger, partnerId, seconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                $"This partner's request limit is reached; retry after {seconds} s (Retry-After).").ConfigureAwait(false);
            return null;
        }
        return new PartnerInfo(partnerId, partner.DisplayName, partner.Kind, partner.State);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {PartnerId} has a valid token but is not in the partner registry")]
    private static partial void LogUnregistered(ILogger logger, string partnerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} rate-limited; retry after {Seconds} s")]
    private static partial void LogRateLimited(ILogger logger, string partnerId, int seconds);
}
