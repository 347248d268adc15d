using System.Text.Json;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace ElectionFunctions.Intake;

/// <summary>
/// The one entry point from a body to a report: its format by media type, then a valid report (with how its TLP was
/// read) or the refusal naming what is wrong. Inside, a valid native body is read in one pass (NativeReportReader
/// through the compiled schema); any other body is parsed in full, which names its errors (JsonSchema.Net), and STIX
/// objects are mapped first (StixBundleMapper), one report per report object.
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

    /// <summary>The valid reports (one, or one per STIX report object), or the refusal: 400 malformed, 422 stix-unusable or validation.</summary>
    public (Submission? Submission, ProblemResult? Refused) Read(string format, byte[] body, StixContext? context = null)
    {
        if (format == StixBundleMapper.MediaType) return ReadStix(body, document => stix.Map(document.RootElement, context));
        var fast = validator.ValidateInOnePass(body);
        var (validated, refused) = fast.Verdict == Verdict.Undecided ? ParseAndValidate(body) : (fast, null);
        if (refused is not null) return (null, refused);
        return validated!.Verdict == Verdict.Valid ? (new Submission([validated], []), null) : (null, Problems.Validation(validated.Errors));
    }

    /// <summary>STIX objects (a bundle, or a TAXII envelope) to valid reports; any report invalid refuses them all, naming each.</summary>
    public (Submission? Submission, ProblemResult? Refused) ReadStix(byte[] body, Func<JsonDocument, StixBundleMapper.Mapping> map)
    {
        var (document, parseError) = JsonBody.Parse(body);
        using var _ = document;
        if (document is null) return (null, Problems.Malformed(parseError));
        var mapping = map(document);
        if (mapping.Errors.Count > 0)
            return (null, new ProblemResult(StatusCodes.Status422UnprocessableEntity, "stix-unusable", "The STIX objects cannot be used", "See errors: which object, and why.", mapping.Errors));
        var reports = mapping.Reports.Select(m => validator.ValidateMapped(m.Report, m.Source, m.Tlp) with { Identity = m.Identity }).ToList();
        var errors = reports.Where(r => r.Verdict != Verdict.Valid).SelectMany(r => r.Errors).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return errors.Count > 0 ? (null, Problems.Validation(errors)) : (new Submission(reports, mapping.IgnoredTypes), null);
    }

    private (Validated?, ProblemResult?) ParseAndValidate(byte[] body)
    {
        var (document, parseError) = JsonBody.Parse(body);
        using var _ = document;
        if (document is null) return (null, Problems.Malformed(parseError));
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? (validator.Validate(document.RootElement), null)
            : (null, Problems.Malformed("The body must be a JSON object."));
    }
}

/// <summary>What a body holds: one report (native, or a bundle with at most one report object) or several, and the STIX types not mapped.</summary>
public sealed record Submission(IReadOnlyList<Validated> Reports, IReadOnlyList<string> IgnoredTypes);
