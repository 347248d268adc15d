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
/// (or, without a key, the body's SHA-256; <see cref="SubmissionIds"/>). A storage failure is not caught here: the
/// host's <see cref="ExceptionProblems"/> answers it 503.
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

    /// <summary>Election context beside a STIX bundle, when its objects carry none (docs/stix-mapping.md).</summary>
    public const string ElectionHeader = "X-Election-Id", FederalContestHeader = "X-Federal-Contest";

    /// <summary>
    /// 202 for a new report (or a keyed retry), 200 naming the first for an unkeyed duplicate, the list for a bundle of
    /// several reports, or the refusal.
    /// </summary>
    public async Task<Results<Accepted<SubmitResponse>, WithHeader<Ok<SubmitResponse>>, Accepted<SubmitManyResponse>, ProblemResult>> SubmitAsync(
        HttpRequest request, PartnerInfo partner, CancellationToken cancellationToken)
    {
        // Under the host's request activity, or else the partner's own traceparent header.
        using var activity = Telemetry.StartStage("intake", System.Diagnostics.ActivityKind.Server,
            System.Diagnostics.Activity.Current is null ? request.Headers.TraceParent.FirstOrDefault() : null, null);

        if (SubmissionReader.Format(request.ContentType) is not { } format) return SubmissionReader.UnsupportedMediaType;

        var max = options.Value.MaxBodyBytes;
        var body = request.ContentLength > max ? null : await JsonBody.ReadLimitedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        if (body is null) return Problems.PayloadTooLarge(max);

        var keys = request.Headers[IdempotencyHeader];
        var idempotencyKey = keys.Count == 1 ? keys[0]! : "";
        if (keys.Count > 1 || (keys.Count == 1 && !IsValidKey(idempotencyKey)))
            return Problems.Validation(new Dictionary<string, string[]> { [IdempotencyHeader] = [$"One key of 1 to {MaxIdempotencyKeyLength} visible ASCII characters."] });
        if (ContextFrom(request.Headers, time.GetUtcNow()) is not { } context) return BadFederalContest;

        var (submission, invalid) = reader.Read(format, body, context);
        if (submission is null) return invalid!;

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        var ids = idempotencyKey.Length > 0 ? SubmissionIds.Keyed(partner.Id, idempotencyKey) : SubmissionIds.Body(partner.Id, sha256);
        var (stored, refused) = await StoreAsync(partner, submission, body, sha256, request.ContentType!, ids, cancellationToken).ConfigureAwait(false);
        if (refused is not null) return refused;

        var ignored = format == StixBundleMapper.MediaType && submission.IgnoredTypes.Count > 0 ? submission.IgnoredTypes : null;
        SubmitResponse Answer(Outcome r) => new(r.ReportId, r.Status, ReportIds.StatusUrl(request, r.ReportId), sha256, r.DuplicateOf, stored!.Count == 1 ? ignored : null);
        if (stored!.Count > 1) return TypedResults.Accepted((string?)null, new SubmitManyResponse([.. stored.Select(Answer)], ignored));
        var one = Answer(stored[0]);
        return one.DuplicateOf is null
            ? TypedResults.Accepted(one.StatusUrl, one)
            : new WithHeader<Ok<SubmitResponse>>(TypedResults.Ok(one), HeaderNames.Location, one.StatusUrl);
    }

    /// <summary>A report as stored: its id and status, and the first report's id when this was an unkeyed duplicate of it.</summary>
    public sealed record Outcome(string ReportId, string Status, string? DuplicateOf);

    /// <summary>
    /// Stores what was read: the raw body once (write-once blob), each report once in Cosmos DB, each queued. The ids
    /// come from <paramref name="ids"/>, so the create-only blob and Cosmos DB's 409 on create are the duplicate checks:
    /// a retry finds what the first attempt stored. HTTP intake and TAXII push both come here.
    /// </summary>
    /// <param name="amends">A follow-up's report (FollowUpHandler): the new report is linked to it and routed to the agencies it went to.</param>
    public async Task<(IReadOnlyList<Outcome>? Stored, ProblemResult? Refused)> StoreAsync(PartnerInfo partner, Submission submission, byte[] body,
        string sha256, string contentType, SubmissionIds ids, CancellationToken cancellationToken, ReportDocument? amends = null)
    {
        var receivedAt = time.GetUtcNow();
        var count = submission.Reports.Count;
        var reportIds = submission.Reports.Select(r => ids.For(r, count)).ToList();
        // The request's trace names what it made: the report, or (a bundle of several) each of them.
        System.Diagnostics.Activity.Current?.SetTag(Telemetry.ReportIdTag, string.Join(",", reportIds));
        // The raw body under its one report's id, as always; several reports, or a push (whose report may come again in
        // other bytes), under the submission's own id, so a second envelope holding the same report is its own evidence.
        var blobName = SubmissionStore.PathFor(count == 1 && !ids.ByObject ? reportIds[0] : ids.Submission, receivedAt);
        var documents = new List<(ReportDocument Document, byte[] Bytes)>(count);
        for (var i = 0; i < count; i++)
        {
            var validated = submission.Reports[i];
            var report = validated.Report!;
            var document = new ReportDocument
            {
                Id = reportIds[i],
                PartnerId = partner.Id,
                Partner = partner,
                IdempotencyKey = ids.IdempotencyKey,
                Status = ReportStatus.Received,
                ReceivedAt = receivedAt,
                Sha256 = sha256,
                BlobPath = $"{BlobContainers.Submissions}/{blobName}",
                ContentType = contentType,
                ElectionId = report.ElectionId,
                Tlp = report.Tlp!,
                TlpSource = validated.Tlp?.Source,
                IntakeReasons = validated.Reasons,
                Report = report,
                AmendmentOf = amends?.Id,
                // Every agency the report it answers goes to, sent yet or not: each gets the answer as it gets the report.
                RouteTo = amends is null ? null : [.. amends.Routing.Select(r => r.Agency)],
            };
            // Cosmos DB refuses an item over 2 MB, and a refusal after the blob was stored would be answered 503 and retried
            // for ever; so the size is known before anything is written, with room for what classification and routing add.
            var bytes = ReportStore.ToBytes(document);
            if (bytes.Length > options.Value.MaxDocumentBytes)
            {
                LogTooLarge(logger, document.Id, bytes.Length);
                return (null, new ProblemResult(StatusCodes.Status413PayloadTooLarge, "document-too-large", "Report too large to store",
                    $"Stored, report {validated.Source ?? document.Id} would take {bytes.Length} bytes; the limit is {options.Value.MaxDocumentBytes}. Send fewer or shorter indicators, or split the report."));
            }
            documents.Add((document, bytes));
        }

        if (!await submissions.TryStoreAsync(blobName, body, sha256, contentType, partner.Id, cancellationToken).ConfigureAwait(false)) return (null, IdempotencyConflict);

        var stored = new List<Outcome>(count);
        foreach (var (created, bytes) in documents)
        {
            using var scope = logger.BeginScope(Telemetry.Scope(created.Id));
            if (await reports.TryCreateAsync(created, bytes, cancellationToken).ConfigureAwait(false))
            {
                await queues.EnqueueAsync(QueueNames.Intake, created.Id, cancellationToken).ConfigureAwait(false);
                LogAccepted(logger, created.Id, partner.Id, created.ElectionId, contentType, sha256);
                stored.Add(new(created.Id, ReportStatus.Received, null));
                continue;
            }
            var existing = (await reports.ReadAsync(created.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Report {created.Id} conflicted on create but cannot be read.")).Value;
            // A STIX object pushed again is the same report whatever else its envelope held; otherwise the bytes must match.
            if (existing.PartnerId != partner.Id || (!ids.ByObject && existing.Sha256 != sha256)) return (null, IdempotencyConflict);
            LogReplayed(logger, created.Id, partner.Id, ids.IdempotencyKey is not null);
            // Still received: the first attempt may have stopped before its enqueue. A second message is harmless.
            if (existing.Status == ReportStatus.Received)
                await queues.EnqueueAsync(QueueNames.Intake, created.Id, cancellationToken).ConfigureAwait(false);
            stored.Add(ids.IdempotencyKey is not null ? new(existing.Id, ReportStatus.Received, null) : new(existing.Id, existing.Status, existing.Id));
        }
        return (stored, null);
    }

    /// <summary>The election context headers (POST /api/reports and a TAXII push); null when X-Federal-Contest is neither true nor false.</summary>
    public static StixContext? ContextFrom(IHeaderDictionary headers, DateTimeOffset receivedAt)
    {
        var election = headers[ElectionHeader].FirstOrDefault();
        var federal = headers[FederalContestHeader].FirstOrDefault();
        if (federal is not null && !bool.TryParse(federal, out _)) return null;
        return new StixContext(string.IsNullOrEmpty(election) ? null : election, federal is null ? null : bool.Parse(federal)) { ReceivedAt = receivedAt };
    }

    public static readonly ProblemResult BadFederalContest = Problems.Validation(new Dictionary<string, string[]> { [FederalContestHeader] = ["true or false."] });

    public static bool IsValidKey(string key) => key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~');

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} accepted from partner {PartnerId} for election {ElectionId} as {Format}, sha256 {Sha256}")]
    private static partial void LogAccepted(ILogger logger, string reportId, string partnerId, string? electionId, string format, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} resubmitted by partner {PartnerId} (Idempotency-Key: {Keyed})")]
    private static partial void LogReplayed(ILogger logger, string reportId, string partnerId, bool keyed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId} refused: its document would be {Bytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, string reportId, int bytes);
}
