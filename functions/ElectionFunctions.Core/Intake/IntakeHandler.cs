using System.Security.Cryptography;
using ElectionFunctions.Http;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Intake;

/// <summary>
/// POST /api/reports and GET /api/reports/{id}. Who may call is <see cref="PartnerGate"/>'s, what the body is
/// <see cref="SubmissionReader"/>'s; this stores. The report id is derived from the partner and the Idempotency-Key
/// (or, without a key, the body's SHA-256), so the create-only blob and Cosmos DB's 409 on create are the duplicate
/// checks: a retry finds what the first attempt stored. A storage failure is not caught here: the host's
/// <see cref="ExceptionProblems"/> answers it 503.
/// </summary>
public sealed partial class IntakeHandler(
    PartnerGate gate,
    SubmissionReader reader,
    SubmissionStore submissions,
    ReportStore reports,
    WorkQueues queues,
    IOptions<IntakeOptions> options,
    TimeProvider time,
    ILogger<IntakeHandler> logger)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 200;

    private static readonly Refusal IdempotencyConflict = new(StatusCodes.Status422UnprocessableEntity, "idempotency-conflict", "Idempotency-Key reused",
        "This Idempotency-Key was used with a different body.");

    public async Task SubmitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var partner = await gate.AdmitAsync(context, AppRoles.Submit).ConfigureAwait(false);
        if (partner is null) return;
        // Under the host's request activity, or else the partner's own traceparent header.
        using var activity = Telemetry.StartStage("intake", System.Diagnostics.ActivityKind.Server,
            System.Diagnostics.Activity.Current is null ? context.Request.Headers.TraceParent.FirstOrDefault() : null, null);
        var refused = await SubmitAsync(context, partner, cancellationToken).ConfigureAwait(false);
        if (refused is not null) await refused.WriteAsync(context).ConfigureAwait(false);
    }

    /// <summary>Null when the answer (202 or 200) has been written; otherwise why the submission is refused.</summary>
    private async Task<Refusal?> SubmitAsync(HttpContext context, PartnerInfo partner, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (SubmissionReader.Format(request.ContentType) is not { } format) return SubmissionReader.UnsupportedMediaType;

        var max = options.Value.MaxBodyBytes;
        var body = request.ContentLength > max ? null : await JsonBody.ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null) return new(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large", $"The body may be at most {max} bytes.");

        var keys = request.Headers[IdempotencyHeader];
        var idempotencyKey = keys.Count == 1 ? keys[0]! : "";
        if (keys.Count > 1 || (keys.Count == 1 && !IsValidKey(idempotencyKey)))
            return new(StatusCodes.Status422UnprocessableEntity, "validation", "The report is not valid", null,
                new Dictionary<string, string[]> { [IdempotencyHeader] = [$"One key of 1 to {MaxIdempotencyKeyLength} visible ASCII characters."] });

        var (validated, invalid) = reader.Read(format, body);
        if (validated?.Report is not { } report) return invalid;

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
            return new(StatusCodes.Status413PayloadTooLarge, "document-too-large", "Report too large to store",
                $"Stored, this report would take {document.Length} bytes; the limit is {options.Value.MaxDocumentBytes}. Send fewer or shorter indicators, or split the report.");
        }

        if (!await submissions.TryStoreAsync(blobName, body, sha256, created.ContentType, partner.Id, cancellationToken).ConfigureAwait(false))
            return IdempotencyConflict;

        if (!await reports.TryCreateAsync(created, document, cancellationToken).ConfigureAwait(false))
        {
            var existing = (await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Report {reportId} conflicted on create but cannot be read.")).Value;
            if (existing.Sha256 != sha256 || existing.PartnerId != partner.Id) return IdempotencyConflict;
            LogReplayed(logger, reportId, partner.Id, keyed);
            // Still received: the first attempt may have stopped before its enqueue. A second message is harmless.
            if (existing.Status == ReportStatus.Received)
                await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
            await (keyed
                ? Answer(context, StatusCodes.Status202Accepted, existing.Id, ReportStatus.Received, existing.Sha256, null)
                : Answer(context, StatusCodes.Status200OK, existing.Id, existing.Status, existing.Sha256, existing.Id)).ConfigureAwait(false);
            return null;
        }

        await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
        LogAccepted(logger, reportId, partner.Id, created.ElectionId, format, sha256);
        await Answer(context, StatusCodes.Status202Accepted, reportId, ReportStatus.Received, sha256, null).ConfigureAwait(false);
        return null;
    }

    public async Task GetAsync(HttpContext context, string reportId, CancellationToken cancellationToken)
    {
        var partner = await gate.AdmitAsync(context, AppRoles.Read).ConfigureAwait(false);
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

    private static Task Answer(HttpContext context, int status, string reportId, string reportStatus, string sha256, string? duplicateOf)
    {
        var statusUrl = $"{context.Request.Scheme}://{context.Request.Host}/api/reports/{reportId}";
        context.Response.Headers.Location = statusUrl;
        return Results.Json(new SubmitResponse(reportId, reportStatus, statusUrl, sha256, duplicateOf),
            ElectionJsonContext.Default.SubmitResponse, statusCode: status).ExecuteAsync(context);
    }

    private static bool IsValidKey(string key) => key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~');

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} accepted from partner {PartnerId} for election {ElectionId} as {Format}, sha256 {Sha256}")]
    private static partial void LogAccepted(ILogger logger, string reportId, string partnerId, string? electionId, string format, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} resubmitted by partner {PartnerId} (Idempotency-Key: {Keyed})")]
    private static partial void LogReplayed(ILogger logger, string reportId, string partnerId, bool keyed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} refused: its document would be {Bytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, string reportId, int bytes);
}
