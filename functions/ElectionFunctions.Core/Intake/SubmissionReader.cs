using System.Text.Json;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace ElectionFunctions.Intake;

/// <summary>Why a submission is refused: the answer's status, problem type, title and detail, and the errors by field.</summary>
public sealed record Refusal(int Status, string Type, string Title, string? Detail, IDictionary<string, string[]>? Errors = null)
{
    public Task WriteAsync(HttpContext context) => Type == "validation" && Errors is not null
        ? Problems.Validation(context, Errors)
        : Problems.WriteAsync(context, Status, Type, Title, Detail, Errors);
}

/// <summary>
/// The one entry point from a body to a report: its format by media type, then a valid report (with how its TLP was
/// read) or the refusal naming what is wrong. Inside, a valid native body is read in one pass (NativeReportReader
/// through the compiled schema); any other body is parsed in full, which names its errors (JsonSchema.Net), and a STIX
/// bundle is mapped first.
/// </summary>
public sealed class SubmissionReader(SubmissionValidator validator, StixBundleMapper stix)
{
    public static readonly Refusal UnsupportedMediaType = new(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
        "Send application/json (the native body) or application/stix+json;version=2.1 (a STIX 2.1 bundle).");

    /// <summary>The format by media type, or null when unsupported (a STIX version other than 2.1 included).</summary>
    public static string? Format(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return null;
        var type = media.MediaType.Value?.ToLowerInvariant();
        if (type == "application/json") return type;
        if (type != StixBundleMapper.MediaType) return null;
        var version = media.Parameters.FirstOrDefault(p => p.Name.Equals("version", StringComparison.OrdinalIgnoreCase))?.Value.Value?.Trim('"');
        return version is null or "2.1" ? type : null;
    }

    /// <summary>A valid report, or the refusal: 400 malformed, 422 stix-unusable or validation.</summary>
    public (Validated? Report, Refusal? Refused) Read(string format, byte[] body)
    {
        Refusal? refused = null;
        var validated = (format == StixBundleMapper.MediaType ? null : validator.TryValidate(body)) ?? ParseAndValidate(format, body, out refused);
        if (validated is null) return (null, refused);
        return validated.Report is null
            ? (null, new Refusal(StatusCodes.Status422UnprocessableEntity, "validation", "The report is not valid", null, validated.Errors))
            : (validated, null);
    }

    private Validated? ParseAndValidate(string format, byte[] body, out Refusal? refused)
    {
        refused = null;
        var (document, parseError) = JsonBody.Parse(body);
        using var _ = document;
        if (document is null)
        {
            refused = new Refusal(StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", parseError);
            return null;
        }
        if (format == StixBundleMapper.MediaType)
        {
            var mapped = stix.Map(document.RootElement);
            if (mapped.Report is not null) return validator.ValidateMapped(mapped.Report, mapped.Source, mapped.Tlp);
            refused = new Refusal(StatusCodes.Status422UnprocessableEntity, "stix-unusable", "The STIX bundle cannot be used", "See errors: which object, and why.", mapped.Errors);
            return null;
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return validator.Validate(document.RootElement);
        refused = new Refusal(StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", "The body must be a JSON object.");
        return null;
    }
}
