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
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
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
}
