using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElectionFunctions.Http;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Intake;

/// <summary>
/// POST /api/reports and GET /api/reports/{id}. The order of the writes (blob, document, queue) leaves
/// only states a retry repairs: the blob and the document are create-only under an id derived from
/// (partner, Idempotency-Key), and a retry that finds the document still <c>received</c> enqueues again.
/// </summary>
public sealed partial class IntakeHandler(
    RequestAuthorizer authorizer,
    SubmissionValidator validator,
    SubmissionStore submissions,
    ReportStore reports,
    WorkQueues queues,
    IOptions<IntakeOptions> options,
    TimeProvider time,
    ILogger<IntakeHandler> logger)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public async Task SubmitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var partner = await authorizer.AuthorizeAsync(context, AppRoles.Submit).ConfigureAwait(false);
        if (partner is null) return;

        var request = context.Request;
        var mediaType = MediaType(request.ContentType);
        if (mediaType != "application/json")
        {
            await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                mediaType == "application/stix+json"
                    ? "STIX 2.1 bundles are not accepted yet; send the native JSON body (application/json)."
                    : "Send application/json (the native body).").ConfigureAwait(false);
            return;
        }

        var max = options.Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            await TooLarge(context, max).ConfigureAwait(false);
            return;
        }
        var body = await ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await TooLarge(context, max).ConfigureAwait(false);
            return;
        }

        ReportSubmission? submission;
        try
        {
            submission = JsonSerializer.Deserialize(body, ElectionJsonContext.Default.ReportSubmission);
        }
        catch (JsonException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed", "Malformed JSON",
                $"The body is not valid JSON for this contract (line {e.LineNumber}, byte {e.BytePositionInLine}).").ConfigureAwait(false);
            return;
        }
        if (submission is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed", "Malformed JSON", "The body must be a JSON object.").ConfigureAwait(false);
            return;
        }

        var (report, errors) = validator.Validate(submission);
        if (report is null)
        {
            await Problems.Validation(context, errors).ConfigureAwait(false);
            return;
        }

        var idempotencyKey = request.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > 200)
        {
            await Problems.Validation(context, new Dictionary<string, string[]> { [IdempotencyHeader] = ["At most 200 characters."] }).ConfigureAwait(false);
            return;
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        var reportId = idempotencyKey.Length > 0 ? DerivedId(partner, idempotencyKey) : Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var receivedAt = time.GetUtcNow();
        var document = new ReportDocument
        {
            Id = reportId,
            PartnerId = partner,
            IdempotencyKey = idempotencyKey.Length > 0 ? idempotencyKey : null,
            Status = ReportStatus.Received,
            ReceivedAt = receivedAt,
            Sha256 = sha256,
            BlobPath = $"{BlobContainers.Submissions}/{SubmissionStore.PathFor(reportId, receivedAt)}",
            ContentType = request.ContentType!,
            ElectionId = report.ElectionId,
            Tlp = report.Tlp!,
            Report = report,
        };

        if (!await submissions.TryStoreAsync(SubmissionStore.PathFor(reportId, receivedAt), body, sha256, document.ContentType, cancellationToken).ConfigureAwait(false))
        {
            await IdempotencyConflict(context).ConfigureAwait(false);
            return;
        }

        if (!await reports.TryCreateAsync(document, cancellationToken).ConfigureAwait(false))
        {
            var existing = await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Report {reportId} conflicted on create but cannot be read.");
            if (existing.Value.Sha256 != sha256 || existing.Value.PartnerId != partner)
            {
                await IdempotencyConflict(context).ConfigureAwait(false);
                return;
            }
            document = existing.Value;
            LogReplayed(logger, reportId, partner);
            if (document.Status != ReportStatus.Received)
            {
                await Accepted(context, document).ConfigureAwait(false);
                return;
            }
            // Still received: the first attempt may have stopped before the enqueue. A second message is harmless.
        }

        await queues.EnqueueAsync(QueueNames.Intake, reportId, cancellationToken).ConfigureAwait(false);
        LogAccepted(logger, reportId, partner, document.ElectionId, sha256);
        await Accepted(context, document).ConfigureAwait(false);
    }

    public async Task GetAsync(HttpContext context, string reportId, CancellationToken cancellationToken)
    {
        var partner = await authorizer.AuthorizeAsync(context, AppRoles.Read).ConfigureAwait(false);
        if (partner is null) return;

        var stored = IsReportId(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        // Another partner's report is answered exactly like a missing one: its existence is not disclosed.
        if (stored is null || stored.Value.PartnerId != partner)
        {
            await Problems.NotFound(context, "No report with this id for this partner.").ConfigureAwait(false);
            return;
        }

        var d = stored.Value;
        var response = new ReportStatusResponse(d.Id, d.Status, d.ReceivedAt, d.Sha256, d.ElectionId,
            d.Classification?.Categories ?? [], d.Classification?.Severity,
            [.. d.Classification?.Reasons ?? [], .. d.RoutingReasons], d.Routing, d.FailureReason);
        await Results.Json(response, ElectionJsonContext.Default.ReportStatusResponse).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The same partner and key always give the same id, so Cosmos DB's 409 on create is the duplicate check.</summary>
    public static string DerivedId(string partner, string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partner + "\n" + idempotencyKey)))[..32];

    private static bool IsReportId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static Task Accepted(HttpContext context, ReportDocument document)
    {
        var statusUrl = $"{context.Request.Scheme}://{context.Request.Host}/api/reports/{document.Id}";
        context.Response.Headers.Location = statusUrl;
        return Results.Json(new SubmitResponse(document.Id, ReportStatus.Received, statusUrl, document.Sha256),
            ElectionJsonContext.Default.SubmitResponse, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(context);
    }

    private static Task IdempotencyConflict(HttpContext context) =>
        Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "idempotency-conflict", "Idempotency-Key reused",
            "This Idempotency-Key was used with a different body.");

    private static Task TooLarge(HttpContext context, int max) =>
        Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large", $"The body may be at most {max} bytes.");

    private static string? MediaType(string? contentType) =>
        contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is longer (the rest is not read).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 64 * 1024));
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, max + 1 - (int)collected.Length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                collected.Write(buffer, 0, read);
                if (collected.Length > max) return null;
            }
            return collected.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} accepted from partner {PartnerId} for election {ElectionId}, sha256 {Sha256}")]
    private static partial void LogAccepted(ILogger logger, string reportId, string partnerId, string? electionId, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} resubmitted by partner {PartnerId} with the same Idempotency-Key and body")]
    private static partial void LogReplayed(ILogger logger, string reportId, string partnerId);
}
