using ElectionFunctions.Evaluation;

namespace ElectionFunctions.Tests;

/// <summary>The labelled set (tests/Evaluation) against the shipped rules and matrix; docs/classification.md records the same run.</summary>
public sealed class EvaluationTests
{
    private static readonly EvaluationResult Result = Evaluator.Run(Evaluator.DefaultSet);

    [Fact]
    public void The_set_has_at_least_40_reports_covering_every_category_agency_severity_and_tlp_path()
    {
        Assert.True(Result.Outcomes.Count >= 40, $"{Result.Outcomes.Count} reports");
        Assert.All(Result.Categories, s => Assert.True(s.Support > 0, s.Label));
        Assert.All(Result.Agencies, s => Assert.True(s.Support > 0, s.Label));
        Assert.Equal(["critical", "high", "low", "moderate"], Result.Outcomes.Select(o => o.Expected.Severity).Distinct().Order());
        Assert.Equal(["AMBER", "AMBER+STRICT", "CLEAR", "GREEN", "RED (none named)", "RED (recipients)"], Result.TlpValues);
    }

    [Fact]
    public void Agencies_score_100_percent()
    {
        Assert.All(Result.Agencies, s => Assert.True(s.Precision == 1 && s.Recall == 1,
            $"{s.Label}: precision {s.Precision:P1}, recall {s.Recall:P1}; see make evaluate"));
    }

    [Fact]
    public void Categories_score_at_least_95_percent()
    {
        Assert.True(Result.CategoriesMicro.Precision >= 0.95, $"precision {Result.CategoriesMicro.Precision:P1}");
        Assert.True(Result.CategoriesMicro.Recall >= 0.95, $"recall {Result.CategoriesMicro.Recall:P1}");
    }

    [Fact]
    public void The_recorded_document_is_this_run()
    {
        var recorded = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "classification.md"));
        Assert.Equal(Result.ToMarkdown(), recorded);
    }
}
