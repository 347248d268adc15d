namespace ElectionFunctions.Reporting;

/// <summary>package.json: the 45-day package's data (schemaVersion 1.0, skeleton: statistics and report ids).</summary>
public sealed record ElectionPackage(
    string SchemaVersion,
    string ElectionId,
    DateOnly ElectionDate,
    DateOnly DueDate,
    string Version,
    string Kind,
    PackageStatistics Statistics,
    IReadOnlyList<string> ReportIds,
    IReadOnlyList<string> RedReportIds);

public sealed record PackageStatistics(
    int Reports,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> ByCategory,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyDictionary<string, int> ByAgency,
    IReadOnlyDictionary<string, int> ByTlp,
    IReadOnlyDictionary<string, int> BySeverity);

public sealed record PackageManifest(string ElectionId, string Version, IReadOnlyList<PackageFile> Files);

public sealed record PackageFile(string Name, string Sha256, long Bytes);

/// <summary>What the compile answers: where the package is and what it counted.</summary>
public sealed record PackageResult(string ElectionId, string Version, int Reports, string Path, IReadOnlyList<PackageFile> Files);
