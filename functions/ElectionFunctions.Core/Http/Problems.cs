using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ElectionFunctions.Http;

/// <summary>
/// An RFC 9457 answer: status, a stable type URI (listed in README, "Errors"), title, detail, the errors by field
/// (capped, <see cref="Problems.Cap"/>) and the headers some answers carry (Retry-After, WWW-Authenticate).
/// </summary>
public sealed record ProblemResult(int Status, string Type, string Title, string? Detail = null, IDictionary<string, string[]>? Errors = null)
    : IResult, IStatusCodeHttpResult
{
    public string? RetryAfter { get; init; }
    public string? WwwAuthenticate { get; init; }

    int? IStatusCodeHttpResult.StatusCode => Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (RetryAfter is not null) httpContext.Response.Headers.RetryAfter = RetryAfter;
        if (WwwAuthenticate is not null) httpContext.Response.Headers.WWWAuthenticate = WwwAuthenticate;
        var (errors, omitted) = Errors is null ? (null, 0) : Problems.Cap(Errors);
        // A TAXII client reads a TAXII error message (TAXII 2.1, 3.6.1), whoever refused it: the gate, a handler or the host.
        if (httpContext.Request.Path.StartsWithSegments(Taxii.TaxiiMedia.Root)) return Taxii.TaxiiMedia.WriteError(httpContext, this, errors, omitted);
        var problem = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors);
        var detail = Detail;
        if (omitted > 0)
        {
            detail = $"{detail} The first {Problems.MaxErrors} fields are listed; {omitted} more were not.";
            problem.Extensions["omittedErrors"] = omitted;
        }
        problem.Status = Status;
        problem.Type = Problems.TypePrefix + Type;
        problem.Title = Title;
        problem.Detail = detail;
        return TypedResults.Problem(problem).ExecuteAsync(httpContext);
    }
}

/// <summary>The answers more than one route gives, and the bound on an <c>errors</c> map.</summary>
public static class Problems
{
    public const string TypePrefix = "urn:electionfunctions:problem:";

    public static ProblemResult Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required", detail) { WwwAuthenticate = "Bearer error=\"invalid_token\"" };

    public static ProblemResult Forbidden(string role) =>
        new(StatusCodes.Status403Forbidden, "forbidden", "Missing app role", $"This route needs the app role '{role}'.");

    public static ProblemResult NotFound(string detail) => new(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    public static ProblemResult Malformed(string? detail) => new(StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", detail);

    public static ProblemResult PayloadTooLarge(int max) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large", $"The body may be at most {max} bytes.");

    public static ProblemResult Validation(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status422UnprocessableEntity, "validation", "The report is not valid", "One or more fields are invalid; see errors.", errors);

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
