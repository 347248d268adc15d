using ElectionFunctions.Intake;

namespace ElectionFunctions.TestSupport;

/// <summary>A bundle mapped to at most one report, as the tests of single-report bundles read it: the report (null when refused), its source, TLP and the errors.</summary>
public sealed record OneMapped(ReportSubmission? Report, string Source, TlpReading? Tlp, Dictionary<string, string[]> Errors, IReadOnlyList<string> IgnoredTypes)
{
    public static OneMapped From(StixBundleMapper.Mapping mapping) => mapping.Reports switch
    {
        [] => new(null, "", null, mapping.Errors, mapping.IgnoredTypes),
        [var one] => new(one.Report, one.Source, one.Tlp, mapping.Errors, mapping.IgnoredTypes),
        _ => throw new InvalidOperationException($"The bundle mapped to {mapping.Reports.Count} reports."),
    };
}
