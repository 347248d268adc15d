namespace ElectionFunctions.Intake;

/// <summary>
/// How a submission's report ids are derived (<see cref="ReportIds"/>): from the partner's Idempotency-Key, else from the
/// body's SHA-256; one of several reports in a bundle adds its report object's id; a TAXII push names each report by its
/// STIX identity (object id and version), so the same object pushed again is the same report whatever envelope held it.
/// </summary>
public sealed record SubmissionIds(string PartnerId, string? IdempotencyKey, string Sha256, bool ByObject)
{
    public static SubmissionIds Keyed(string partnerId, string key) => new(partnerId, key, "", false);

    public static SubmissionIds Body(string partnerId, string sha256) => new(partnerId, null, sha256, false);

    public static SubmissionIds Objects(string partnerId, string sha256) => new(partnerId, null, sha256, true);

    /// <summary>The submission's own id: its one report's, and where its raw body is kept.</summary>
    public string Submission => IdempotencyKey is not null ? ReportIds.ForKey(PartnerId, IdempotencyKey) : ReportIds.ForBody(PartnerId, Sha256);

    public string For(Validated report, int reports) =>
        ByObject ? ReportIds.ForObject(PartnerId, report.Identity ?? throw new InvalidOperationException("A report pushed as STIX has no STIX identity."))
        : reports == 1 ? Submission
        : ReportIds.ForPart(PartnerId, IdempotencyKey ?? Sha256, report.Source ?? throw new InvalidOperationException("One of several reports has no STIX source."));
}
