using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ElectionFunctions.Http;

/// <summary>RFC 9457 problem details with stable type URIs (listed in README, "Errors").</summary>
public static class Problems
{
    public const string TypePrefix = "urn:electionfunctions:problem:";

    public static Task WriteAsync(HttpContext context, int status, string type, string title, string? detail = null,
        IDictionary<string, string[]>? errors = null)
    {
        var omitted = 0;
        if (errors is not null) (errors, omitted) = Cap(errors);
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        if (omitted > 0)
        {
            detail = $"{detail} The first {MaxErrors} fields are listed; {omitted} more were not.";
            problem.Extensions["omittedErrors"] = omitted;
        }
        problem.Status = status;
        problem.Type = TypePrefix + type;
        problem.Title = title;
        problem.Detail = detail;
        return Results.Problem(problem).ExecuteAsync(context);
    }

    public static Task Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required", detail);
    }

    public static Task Forbidden(HttpContext context, string role) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Missing app role", $"This route needs the app role '{role}'.");

    public static Task NotFound(HttpContext context, string detail) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    public static Task Validation(HttpContext context, IDictionary<string, string[]> errors) =>
        WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "validation", "The report is not valid",
            "One or more fields are invalid; see errors.", errors);

    /// <summary>At most this many fields in an <c>errors</c> map; the detail says how many more there were.</summary>
    public const int MaxErrors = 100;
    /// <summary>Messages kept per field, and characters kept of a field name or a message.</summary>
    public const int MaxMessagesPerField = 3, MaxErrorText = 200;

    /// <summary>
    /// The first <see cref="MaxErrors"/> fields, with bounded names and messages, so an answer stays well under 64 KiB
    /// whatever the body held (28,000 bad indicators once answered 2.6 MB); and how many fields were left out.
    /// </summary>
    public static (Dictionary<string, string[]> Errors, int Omitted) Cap(IDictionary<string, string[]> errors)
    {
        var kept = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
        {
            if (kept.Count == MaxErrors) break;
            kept.TryAdd(Clip(field), [.. messages.Take(MaxMessagesPerField).Select(Clip)]);
        }
        return (kept, errors.Count - kept.Count);
    }

    private static string Clip(string text) => text.Length <= MaxErrorText ? text : text[..MaxErrorText] + "…";
}
