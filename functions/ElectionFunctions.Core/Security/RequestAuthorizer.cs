using System.Security.Claims;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Security;

/// <summary>
/// Authenticates the bearer token and checks one app role; answers 401 or 403 itself. Called by
/// every HTTP handler, so the Functions app and the local host enforce exactly the same thing.
/// </summary>
public sealed partial class RequestAuthorizer(ILogger<RequestAuthorizer> logger)
{
    /// <summary>The partner (client application) id from <c>azp</c>/<c>appid</c>, or null when the answer has been written.</summary>
    public async Task<string?> AuthorizeAsync(HttpContext context, string role)
    {
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is null)
        {
            LogRejected(logger, context.Request.Path, result.Failure?.Message ?? "no token");
            await Problems.Unauthorized(context, result.Failure is null ? "A bearer token is required." : "The bearer token is not valid.").ConfigureAwait(false);
            return null;
        }

        var principal = result.Principal;
        var partner = principal.FindFirst("azp")?.Value ?? principal.FindFirst("appid")?.Value;
        if (string.IsNullOrEmpty(partner))
        {
            await Problems.Unauthorized(context, "The token names no client application (azp or appid).").ConfigureAwait(false);
            return null;
        }

        if (!principal.Claims.Any(c => c.Type is "roles" or ClaimTypes.Role && c.Value == role))
        {
            LogForbidden(logger, partner, role);
            await Problems.Forbidden(context, role).ConfigureAwait(false);
            return null;
        }
        return partner;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request to {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} lacks role {Role}")]
    private static partial void LogForbidden(ILogger logger, string partnerId, string role);
}
