using System.Security.Cryptography;
using ElectionFunctions.Http;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Intake;

/// <summary>
/// POST /api/reports. Who may call is <see cref="CallerGate"/>'s (before the function), what the body is
/// <see cref="SubmissionReader"/>'s; this stores. The report id is derived from the partner and the Idempotency-Key
/// (or, without a key, the body's SHA-256), so the create-only blob and Cosmos DB's 409 on create are the duplicate
/// checks: a retry finds what the first attempt stored. A storage failure is not caught here: the host's
/// <see cref="ExceptionProblems"/> answers it 503.
/// </summary>
public sealed partial class IntakeHandler(
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

    private static readonly ProblemResult IdempotencyConflict = new(StatusCodes.Status422UnprocessableEntity, "idempotency-conflict", "Idempotency-Key reused",
        "This Idempotency-Key was used with a different body.");

    /// <summary>202 for a new report (or a keyed retry), 200 naming the first for an unkeyed duplicate, or the refusal.</summary>
    public async Task<Results<Accepted<SubmitResponse>, WithHeader<Ok<SubmitResponse>>, ProblemResult>> SubmitAsync(
        HttpRequest request, PartnerInfo partner, CancellationToken cancellationToken)
    {
        // Under the host's request activity, or else the partner's own traceparent header.
        using var activity = Telemetry.StartStage("intake", System.Diagnostics.ActivityKind.Server,
            System.Diagnostics.Activity.Current is null ? request.Headers.TraceParent.FirstOrDefault() : null, null);

        if (SubmissionReader.Format(request.ContentType) is not { } format) return SubmissionReader.UnsupportedMediaType;

        var max = options.Value.MaxBodyBytes;
        var body = request.ContentLength > max ? null : await JsonBody.ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null) return new ProblemResult(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large", $"The body may be at most {max} bytes.");

        var keys = request.Headers[IdempotencyHeader];
        var idempotencyKey = keys.Count == 1 ? keys[0]! : "";
        if (keys.Count > 1 || (keys.Count == 1 && !IsValidKey(idempotencyKey)))
            return Problems.Validation(new Dictionary<string, string[]> { [IdempotencyHeader] = [$"One key of 1 to {MaxIdempotencyKeyLength} visible ASCII characters."] });

        var (validated, invalid) = reader.Read(format, body);
        if (validated?.Report is not { } report) return invalid!;

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
            return new ProblemResult(StatusCodes.Status413PayloadTooLarge, "document-too-large", "Report too large to store",
                $"Stored, this report would take {document.Length} bytes; the limit is {options.Value.MaxDocumentBytes}. Send fewer or shorter indicators, or split the report.");
        }

        if (!await submissions.TryStoreAsync(blobName, body, sha256, created.ContentType, partner.Id, cancellationToken).ConfigureAwait(false))
            return IdempotencyConflict;

        var statusUrl = ReportIds.StatusUrl(request, reportId);
        if (!await reports.TryCreateAsync(created, document, cancellationToken).ConfigureAwait(false))
        {
            var existing = (await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Report {reportId} conflicted on create but cannot be read.")).Value;
            if (existing.Sha256 != sha256 || existing.PartnerId != partner.Id) return IdempotencyConflict;
            LogReplayed(logger, reportId, partner.Id, keyed);
            // Still received: the first attempt may have stopped before its enqueue. A second message is harmless.
            if (existing.Status == ReportStatus.Received)
                await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
            return keyed
                ? TypedResults.Accepted(statusUrl, new SubmitResponse(existing.Id, ReportStatus.Received, statusUrl, existing.Sha256, null))
                : new WithHeader<Ok<SubmitResponse>>(TypedResults.Ok(new SubmitResponse(existing.Id, existing.Status, statusUrl, existing.Sha256, existing.Id)),
                    HeaderNames.Location, statusUrl);
        }

        await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
        LogAccepted(logger, reportId, partner.Id, created.ElectionId, format, sha256);
        return TypedResults.Accepted(statusUrl, new SubmitResponse(reportId, ReportStatus.Received, statusUrl, sha256, null));
    }

    private static bool IsValidKey(string key) => key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~');

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} accepted from partner {PartnerId} for election {ElectionId} as {Format}, sha256 {Sha256}")]
    private static partial void LogAccepted(ILogger logger, string reportId, string partnerId, string? electionId, string format, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} resubmitted by partner {PartnerId} (Idempotency-Key: {Keyed})")]
    private static partial void LogReplayed(ILogger logger, string reportId, string partnerId, bool keyed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} refused: its document would be {Bytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, string reportId, int bytes);
}
