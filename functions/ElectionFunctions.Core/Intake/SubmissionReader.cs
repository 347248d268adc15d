using System.Text.Json;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace ElectionFunctions.Intake;

/// <summary>
/// The one entry point from a body to a report: its format by media type, then a valid report (with how its TLP was
/// read) or the refusal naming what is wrong. Inside, a valid native body is read in one pass (NativeReportReader
/// through the compiled schema); any other body is parsed in full, which names its errors (JsonSchema.Net), and a STIX
/// bundle is mapped first.
/// </summary>
public sealed class SubmissionReader(SubmissionValidator validator, StixBundleMapper stix)
{
    public static readonly ProblemResult UnsupportedMediaType = new(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
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
    public (Validated? Report, ProblemResult? Refused) Read(string format, byte[] body)
    {
        var fast = format == StixBundleMapper.MediaType ? Validated.Undecided : validator.ValidateInOnePass(body);
        var (validated, refused) = fast.Verdict == Verdict.Undecided ? ParseAndValidate(format, body) : (fast, null);
        if (refused is not null) return (null, refused);
        return validated!.Verdict == Verdict.Valid ? (validated, null) : (null, Problems.Validation(validated.Errors));
    }

    private (Validated?, ProblemResult?) ParseAndValidate(string format, byte[] body)
    {
        var (document, parseError) = JsonBody.Parse(body);
        using var _ = document;
        if (document is null) return (null, new ProblemResult(StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", parseError));
        if (format == StixBundleMapper.MediaType)
        {
            var mapped = stix.Map(document.RootElement);
            return mapped.Report is not null
                ? (validator.ValidateMapped(mapped.Report, mapped.Source, mapped.Tlp), null)
                : (null, new ProblemResult(StatusCodes.Status422UnprocessableEntity, "stix-unusable", "The STIX bundle cannot be used", "See errors: which object, and why.", mapped.Errors));
        }
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? (validator.Validate(document.RootElement), null)
            : (null, new ProblemResult(StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", "The body must be a JSON object."));
    }
}
