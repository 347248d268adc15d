using System.Text.Json.Nodes;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ElectionFunctions.Taxii;

/// <summary>TAXII 2.1's media types, its content negotiation (406, 415) and its error message (3.6.1).</summary>
public static class TaxiiMedia
{
    public const string Root = "/taxii2";
    public const string Taxii = "application/taxii+json;version=2.1";
    public const string Stix = "application/stix+json;version=2.1";
    public const string DateAddedFirst = "X-TAXII-Date-Added-First", DateAddedLast = "X-TAXII-Date-Added-Last";

    /// <summary>
    /// Whether the client takes a TAXII 2.1 answer: no Accept header, or one naming application/taxii+json with version 2.1
    /// or none (a client written for 2.1 may leave it out), or a wildcard.
    /// </summary>
    public static bool Acceptable(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0) return true;
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types)) return false;
        return types.Any(t => t.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase) || t.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase)
            || (t.MediaType.Equals("application/taxii+json", StringComparison.OrdinalIgnoreCase) && VersionIs21(t)));
    }

    /// <summary>A POST body must be a TAXII 2.1 envelope.</summary>
    public static bool IsEnvelope(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var t)
        && t.MediaType.Equals("application/taxii+json", StringComparison.OrdinalIgnoreCase) && VersionIs21(t);

    private static bool VersionIs21(MediaTypeHeaderValue t) =>
        t.Parameters.FirstOrDefault(p => p.Name.Equals("version", StringComparison.OrdinalIgnoreCase)) is not { } v || v.Value.ToString().Trim('"').Equals("2.1", StringComparison.Ordinal);

    public static readonly ProblemResult NotAcceptable = new(StatusCodes.Status406NotAcceptable, "not-acceptable", "Not acceptable",
        $"This server answers {Taxii}; send it in Accept.");

    public static readonly ProblemResult UnsupportedMediaType = new(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
        $"POST a TAXII 2.1 envelope as {Taxii}.");

    /// <summary>A refusal as a TAXII error message: the problem's title and detail, its type as error_code, the status, errors in details.</summary>
    public static Task WriteError(HttpContext context, ProblemResult problem, Dictionary<string, string[]>? errors, int omitted)
    {
        var error = new JsonObject
        {
            ["title"] = problem.Title,
            ["description"] = problem.Detail,
            ["error_code"] = problem.Type,
            ["http_status"] = problem.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (errors is not null)
        {
            var details = new JsonObject { ["errors"] = new JsonObject([.. errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray([.. e.Value.Select(v => (JsonNode)v)])))]) };
            if (omitted > 0) details["omitted_errors"] = omitted;
            error["details"] = details;
        }
        return new TaxiiResult(problem.Status, error).ExecuteAsync(context);
    }
}

/// <summary>A TAXII answer: its status, body (application/taxii+json;version=2.1) and the date-added headers of a page.</summary>
public sealed record TaxiiResult(int Status, JsonNode Body) : IResult, IStatusCodeHttpResult
{
    public string? DateAddedFirst { get; init; }
    public string? DateAddedLast { get; init; }

    int? IStatusCodeHttpResult.StatusCode => Status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = TaxiiMedia.Taxii;
        if (DateAddedFirst is not null) response.Headers[TaxiiMedia.DateAddedFirst] = DateAddedFirst;
        if (DateAddedLast is not null) response.Headers[TaxiiMedia.DateAddedLast] = DateAddedLast;
        await response.WriteAsync(Body.ToJsonString(), httpContext.RequestAborted).ConfigureAwait(false);
    }
}
