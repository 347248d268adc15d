using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using ElectionFunctions.Http;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Intake;

/// <summary>
/// POST /api/reports and GET /api/reports/{id}. The report id is derived from the partner and the
/// Idempotency-Key (or, without a key, the body's SHA-256), so the create-only blob and Cosmos DB's
/// 409 on create are the duplicate checks: a retry finds what the first attempt stored.
/// </summary>
public sealed partial class IntakeHandler(
    RequestAuthorizer authorizer,
    SubmissionValidator validator,
    StixBundleMapper stix,
    SubmissionStore submissions,
    ReportStore reports,
    WorkQueues queues,
    IOptions<IntakeOptions> options,
    IOptions<PartnerOptions> partners,
    PartnerRateLimiter rateLimiter,
    TimeProvider time,
    ILogger<IntakeHandler> logger)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>A storage failure is not caught here: the host's <see cref="ExceptionProblems"/> answers it 503.</summary>
    public async Task SubmitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var partner = await AuthorizeAsync(context, AppRoles.Submit).ConfigureAwait(false);
        if (partner is null) return;
        // Under the host's request activity, or else the partner's own traceparent header.
        using var activity = Telemetry.StartStage("intake", System.Diagnostics.ActivityKind.Server,
            System.Diagnostics.Activity.Current is null ? context.Request.Headers.TraceParent.FirstOrDefault() : null, null);
        await SubmitAsync(context, partner, cancellationToken).ConfigureAwait(false);
    }

    private async Task SubmitAsync(HttpContext context, PartnerInfo partner, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var format = Format(request.ContentType);
        if (format is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                "Send application/json (the native body) or application/stix+json;version=2.1 (a STIX 2.1 bundle).").ConfigureAwait(false);
            return;
        }

        var max = options.Value.MaxBodyBytes;
        var body = request.ContentLength > max ? null : await JsonBody.ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large", $"The body may be at most {max} bytes.").ConfigureAwait(false);
            return;
        }

        var keys = request.Headers[IdempotencyHeader];
        var idempotencyKey = keys.Count == 1 ? keys[0]! : "";
        if (keys.Count > 1 || (keys.Count == 1 && !IsValidKey(idempotencyKey)))
        {
            await Problems.Validation(context, new Dictionary<string, string[]> { [IdempotencyHeader] = [$"One key of 1 to {MaxIdempotencyKeyLength} visible ASCII characters."] }).ConfigureAwait(false);
            return;
        }

        // A valid native body is read in one pass; any other is parsed in full, which names what is wrong.
        var validated = (format == StixBundleMapper.MediaType ? null : validator.TryValidate(body))
            ?? await ParseAndValidateAsync(context, format, body).ConfigureAwait(false);
        if (validated is null) return;
        if (validated.Report is not { } report)
        {
            await Problems.Validation(context, validated.Errors).ConfigureAwait(false);
            return;
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        var keyed = idempotencyKey.Length > 0;
        var reportId = keyed ? ReportIds.ForKey(partner.Id, idempotencyKey) : ReportIds.ForBody(partner.Id, sha256);
        System.Diagnostics.Activity.Current?.SetTag(Telemetry.ReportIdTag, reportId);
        using var scope = logger.BeginScope(Telemetry.Scope(reportId));
        var receivedAt = time.GetUtcNow();
        var blobName = SubmissionStore.PathFor(reportId, receivedAt);
        var created = new ReportDocument
        {
            Id = reportId,
            PartnerId = partner.Id,
            Partner = partner,
            IdempotencyKey = keyed ? idempotencyKey : null,
            Status = ReportStatus.Received,
            ReceivedAt = receivedAt,
            Sha256 = sha256,
            BlobPath = $"{BlobContainers.Submissions}/{blobName}",
            ContentType = request.ContentType!,
            ElectionId = report.ElectionId,
            Tlp = report.Tlp!,
            TlpSource = validated.Tlp?.Source,
            IntakeReasons = validated.Tlp?.Reasons ?? [],
            Report = report,
        };

        // Cosmos DB refuses an item over 2 MB, and a refusal after the blob was stored would be answered 503 and retried
        // for ever; so the size is known before anything is written, with room for what classification and routing add.
        var document = ReportStore.ToBytes(created);
        if (document.Length > options.Value.MaxDocumentBytes)
        {
            LogTooLarge(logger, reportId, document.Length);
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "document-too-large", "Report too large to store",
                $"Stored, this report would take {document.Length} bytes; the limit is {options.Value.MaxDocumentBytes}. Send fewer or shorter indicators, or split the report.").ConfigureAwait(false);
            return;
        }

        if (!await submissions.TryStoreAsync(blobName, body, sha256, created.ContentType, partner.Id, cancellationToken).ConfigureAwait(false))
        {
            await IdempotencyConflict(context).ConfigureAwait(false);
            return;
        }

        if (!await reports.TryCreateAsync(created, document, cancellationToken).ConfigureAwait(false))
        {
            var existing = (await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Report {reportId} conflicted on create but cannot be read.")).Value;
            if (existing.Sha256 != sha256 || existing.PartnerId != partner.Id)
            {
                await IdempotencyConflict(context).ConfigureAwait(false);
                return;
            }
            LogReplayed(logger, reportId, partner.Id, keyed);
            // Still received: the first attempt may have stopped before its enqueue. A second message is harmless.
            if (existing.Status == ReportStatus.Received)
                await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
            if (keyed)
                await Answer(context, StatusCodes.Status202Accepted, existing.Id, ReportStatus.Received, existing.Sha256, null).ConfigureAwait(false);
            else
                await Answer(context, StatusCodes.Status200OK, existing.Id, existing.Status, existing.Sha256, existing.Id).ConfigureAwait(false);
            return;
        }

        await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
        LogAccepted(logger, reportId, partner.Id, created.ElectionId, format, sha256);
        await Answer(context, StatusCodes.Status202Accepted, reportId, ReportStatus.Received, sha256, null).ConfigureAwait(false);
    }

    /// <summary>The body parsed and checked in full; null when the answer (malformed, unusable STIX) has been written.</summary>
    private async Task<Validated?> ParseAndValidateAsync(HttpContext context, string format, byte[] body)
    {
        var (document, parseError) = JsonBody.Parse(body);
        using var _ = document;
        if (document is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", parseError).ConfigureAwait(false);
            return null;
        }
        if (format == StixBundleMapper.MediaType)
        {
            var mapped = stix.Map(document.RootElement);
            if (mapped.Report is not null) return validator.ValidateMapped(mapped.Report, mapped.Source, mapped.Tlp);
            await Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "stix-unusable", "The STIX bundle cannot be used",
                "See errors: which object, and why.", mapped.Errors).ConfigureAwait(false);
            return null;
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return validator.Validate(document.RootElement);
        await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", "The body must be a JSON object.").ConfigureAwait(false);
        return null;
    }

    public async Task GetAsync(HttpContext context, string reportId, CancellationToken cancellationToken)
    {
        var partner = await AuthorizeAsync(context, AppRoles.Read).ConfigureAwait(false);
        if (partner is null) return;
        var stored = ReportIds.IsValid(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        // Another partner's report is answered exactly like a missing one: its existence is not disclosed.
        if (stored is null || stored.Value.PartnerId != partner.Id)
        {
            await Problems.NotFound(context, "No report with this id for this partner.").ConfigureAwait(false);
            return;
        }

        var d = stored.Value;
        var response = new ReportStatusResponse(d.Id, d.Status, d.ReceivedAt, d.Sha256, d.ElectionId, d.Tlp, d.TlpSource,
            d.Classification?.Categories ?? [], d.Classification?.Severity,
            [.. d.IntakeReasons, .. d.Classification?.Reasons ?? [], .. d.RoutingReasons], [.. d.Routing.Select(r => new AgencyStatus(r.Agency, r.Status, r.At))], d.FailureReason);
        await Results.Json(response, ElectionJsonContext.Default.ReportStatusResponse).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The token's role, then the registry (a client that is not a registered partner is refused), then the partner's rate limit.</summary>
    private async Task<PartnerInfo?> AuthorizeAsync(HttpContext context, string role)
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

    private static Task Answer(HttpContext context, int status, string reportId, string reportStatus, string sha256, string? duplicateOf)
    {
        var statusUrl = $"{context.Request.Scheme}://{context.Request.Host}/api/reports/{reportId}";
        context.Response.Headers.Location = statusUrl;
        return Results.Json(new SubmitResponse(reportId, reportStatus, statusUrl, sha256, duplicateOf),
            ElectionJsonContext.Default.SubmitResponse, statusCode: status).ExecuteAsync(context);
    }

    private static Task IdempotencyConflict(HttpContext context) =>
        Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "idempotency-conflict", "Idempotency-Key reused",
            "This Idempotency-Key was used with a different body.");

    /// <summary>The format by media type, or null when unsupported (a STIX version other than 2.1 included).</summary>
    private static string? Format(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return null;
        var type = media.MediaType.Value?.ToLowerInvariant();
        if (type == "application/json") return type;
        if (type != StixBundleMapper.MediaType) return null;
        var version = media.Parameters.FirstOrDefault(p => p.Name.Equals("version", StringComparison.OrdinalIgnoreCase))?.Value.Value?.Trim('"');
        return version is null or "2.1" ? type : null;
    }

    private static bool IsValidKey(string key) => key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~');

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} accepted from partner {PartnerId} for election {ElectionId} as {Format}, sha256 {Sha256}")]
    private static partial void LogAccepted(ILogger logger, string reportId, string partnerId, string? electionId, string format, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} resubmitted by partner {PartnerId} (Idempotency-Key: {Keyed})")]
    private static partial void LogReplayed(ILogger logger, string reportId, string partnerId, bool keyed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {PartnerId} has a valid token but is not in the partner registry")]
    private static partial void LogUnregistered(ILogger logger, string partnerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} rate-limited; retry after {Seconds} s")]
    private static partial void LogRateLimited(ILogger logger, string partnerId, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} refused: its document would be {Bytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, string reportId, int bytes);
}

/// <summary>Report ids: 32 lower-case hex characters derived from the partner and the request, so a retry finds the same id.</summary>
public static class ReportIds
{
    public static string ForKey(string partnerId, string idempotencyKey) => Derive(partnerId, "key", idempotencyKey);

    public static string ForBody(string partnerId, string sha256) => Derive(partnerId, "sha256", sha256);

    public static bool IsValid(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static string Derive(string partnerId, string kind, string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{partnerId}\n{kind}\n{value}")))[..32];
}
