using ElectionFunctions.Intake;

namespace ElectionFunctions.Tests;

/// <summary>Normalised reports for the classification and routing tests.</summary>
internal static class Reports
{
    public static StoredReport Native(
        string[]? targets = null, string[]? effects = null, string[]? governments = null, NamedActor[]? actors = null,
        string narrative = "Observed activity.", string tlp = "AMBER", string[]? recipients = null, bool federal = true) => new()
    {
        SchemaVersion = "1.0",
        ElectionId = "2026-11-03-general",
        FederalContest = federal,
        Title = "Test report",
        Narrative = narrative,
        ObservedAt = new DateTimeOffset(2026, 11, 3, 21, 40, 0, TimeSpan.Zero),
        Jurisdiction = new Jurisdiction("GA", "13121"),
        Tlp = tlp,
        Recipients = recipients ?? [],
        TargetedSystems = targets ?? [],
        Effects = effects ?? [],
        SuspectedForeignGovernments = governments ?? [],
        NamedActors = actors ?? [],
        Indicators = [],
    };

    /// <summary>A classified report document holding <paramref name="report"/>, as routing reads it.</summary>
    public static ReportDocument Classified(StoredReport report) => new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        PartnerId = "ga-sos",
        Status = ReportStatus.Classified,
        ReceivedAt = new DateTimeOffset(2026, 11, 3, 22, 0, 0, TimeSpan.Zero),
        Sha256 = new string('a', 64),
        BlobPath = "submissions/2026/11/03/0123456789abcdef0123456789abcdef.json",
        ContentType = "application/json",
        ElectionId = "2026-11-03-general",
        Tlp = report.Tlp,
        Report = report,
        Classification = new ClassificationResult(["election-infrastructure"], "high", true, ["in-scope"], [new Reason("r", "e")], DateTimeOffset.UnixEpoch),
    };
}
