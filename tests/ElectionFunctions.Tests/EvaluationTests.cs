using ElectionFunctions.Evaluation;

namespace ElectionFunctions.Tests;

/// <summary>
/// The labelled sets (tests/Evaluation) against the shipped rules and matrix; docs/classification.md records the same run.
/// The developers' set was labelled by the people who wrote the rules; the independent one (issue 17) was labelled from
/// DOMAIN.md before the rules ever ran on it, and committed before any rule change.
/// </summary>
public sealed class EvaluationTests
{
    private static readonly IReadOnlyList<EvaluationResult> Sets = Evaluator.RunAll();
    private static EvaluationResult Developers => Sets[0];
    private static EvaluationResult Independent => Sets[1];

    [Fact]
    public void Each_set_covers_every_category_agency_severity_and_tlp_path()
    {
        foreach (var (set, minimum) in new[] { (Developers, 40), (Independent, 60) })
        {
            Assert.True(set.Outcomes.Count >= minimum, $"{set.Name}: {set.Outcomes.Count} reports");
            Assert.All(set.Categories, s => Assert.True(s.Support > 0, $"{set.Name}: {s.Label}"));
            Assert.All(set.Agencies, s => Assert.True(s.Support > 0, $"{set.Name}: {s.Label}"));
            Assert.Equal(["critical", "high", "low", "moderate"], set.Outcomes.Select(o => o.Expected.Severity).Distinct().Order());
            Assert.Equal(["AMBER", "AMBER+STRICT", "CLEAR", "GREEN", "RED (none named)", "RED (recipients)"], set.TlpValues);
        }
        // Every label of the independent set says why.
        Assert.All(Independent.Outcomes, o => Assert.True(o.Rationale is { Categories.Length: > 0, Severity.Length: > 0, Agencies.Length: > 0 }, o.Id));
    }

    [Fact]
    public void The_developers_set_holds_where_it_was()
    {
        Assert.All(Developers.Agencies, s => Assert.True(s.Precision == 1 && s.Recall == 1,
            $"{s.Label}: precision {s.Precision:P1}, recall {s.Recall:P1}; see make evaluate"));
        Assert.True(Developers.CategoriesMicro.Precision >= 0.95, $"precision {Developers.CategoriesMicro.Precision:P1}");
        Assert.True(Developers.CategoriesMicro.Recall >= 0.95, $"recall {Developers.CategoriesMicro.Recall:P1}");
    }

    [Fact]
    public void The_independent_set_routes_95_percent_of_reports_exactly_and_classifies_90_percent_exactly()
    {
        Assert.True(Independent.AgenciesExact >= 0.95, $"agencies exactly right on {Independent.AgenciesExact:P1} of reports; see make evaluate");
        Assert.True(Independent.CategoriesExact >= 0.90, $"categories exactly right on {Independent.CategoriesExact:P1} of reports; see make evaluate");
    }

    [Fact]
    public void The_recorded_document_is_this_run()
    {
        var recorded = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "classification.md"));
        Assert.Equal(EvaluationReport.ToMarkdown(Sets), recorded);
    }
}
