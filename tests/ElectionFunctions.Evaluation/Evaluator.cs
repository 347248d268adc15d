using System.Text.Json;
using ElectionFunctions.Classification;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Evaluation;

public sealed record Expected(string[] Categories, string Severity, string[] Agencies);

/// <summary>Why each expected label was chosen (the independent set gives one sentence per label).</summary>
public sealed record Rationale(string? Categories, string? Severity, string? Agencies);

public sealed record Outcome(string Id, string Note, Expected Expected, string[] Categories, string Severity, string[] Agencies, Rationale? Rationale = null)
{
    public bool CategoriesRight => Categories.SequenceEqual(Expected.Categories);
    public bool AgenciesRight => Agencies.SequenceEqual(Expected.Agencies);
    public bool Correct => CategoriesRight && AgenciesRight && Severity == Expected.Severity;
    /// <summary>Agencies routed outside the report's need-to-know: under TLP, a leak.</summary>
    public IEnumerable<string> OverRouted => Agencies.Except(Expected.Agencies);
    /// <summary>Agencies that needed the report and did not get it.</summary>
    public IEnumerable<string> UnderRouted => Expected.Agencies.Except(Agencies);
}

public sealed record Score(string Label, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
    public int Support => TruePositives + FalseNegatives;
}

/// <summary>One labelled set through the rules: per-label scores, exact matches per report, and every miss.</summary>
public sealed record EvaluationResult(string Name, string File, string Description, IReadOnlyList<string> Decisions, string RulesVersion,
    IReadOnlyList<Outcome> Outcomes, IReadOnlyList<Score> Categories, IReadOnlyList<Score> Agencies, IReadOnlyList<string> TlpValues)
{
    public Score CategoriesMicro => Micro("all categories", Categories);
    public Score AgenciesMicro => Micro("all agencies", Agencies);
    public double SeverityAccuracy => Share(o => o.Severity == o.Expected.Severity);
    /// <summary>Reports whose whole set of categories is right (not label by label).</summary>
    public double CategoriesExact => Share(o => o.CategoriesRight);
    /// <summary>Reports routed to exactly the agencies they should reach.</summary>
    public double AgenciesExact => Share(o => o.AgenciesRight);

    private double Share(Func<Outcome, bool> right) => (double)Outcomes.Count(right) / Outcomes.Count;

    private static Score Micro(string label, IEnumerable<Score> scores) =>
        new(label, scores.Sum(s => s.TruePositives), scores.Sum(s => s.FalsePositives), scores.Sum(s => s.FalseNegatives));
}

/// <summary>Runs the labelled sets through the same validator, classifier and routing decision as the app.</summary>
public static class Evaluator
{
    private static readonly string[] CategoryLabels = ["election-infrastructure", "campaign-infrastructure", "influence-operation", "illicit-finance", "out-of-scope"];
    private static readonly string[] AgencyLabels = ["odni", "dhs", "doj", "treasury"];

    /// <summary>The developers' set (labelled with the rules, kept as it was) and the independent one (issue 17).</summary>
    public static string DefaultSet => Path.Combine(AppContext.BaseDirectory, "labelled-reports.json");
    public static string IndependentSet => Path.Combine(AppContext.BaseDirectory, "independent-reports.json");

    public static IReadOnlyList<EvaluationResult> RunAll() => [Run(DefaultSet, "Developers' set"), Run(IndependentSet, "Independent set")];

    public static EvaluationResult Run(string path, string name = "Labelled set")
    {
        var configuration = new ConfigurationBuilder().AddElectionSettingsDefaults().Build();
        var rules = configuration.GetSection(ClassificationOptions.Section).Get<ClassificationOptions>()!;
        var classifier = new Classifier(Options.Create(rules), TimeProvider.System);
        var decider = new RoutingDecider(Options.Create(configuration.GetSection(RoutingOptions.Section).Get<RoutingOptions>()!));
        var validator = new SubmissionValidator(new ReportSchema(),
            configuration.GetSection(ElectionsOptions.Section).Get<ElectionsOptions>()!, new IntakeOptions(), TimeProvider.System);

        using var set = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var outcomes = new List<Outcome>();
        var tlps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in set.RootElement.GetProperty("reports").EnumerateArray())
        {
            var id = item.GetProperty("id").GetString()!;
            var expected = item.GetProperty("expected").Deserialize<Expected>(web)!;
            var (report, errors) = validator.Validate(item.GetProperty("report"));
            if (report is null) throw new InvalidDataException($"{id} is not a valid report: {string.Join("; ", errors.Select(e => e.Key + ": " + string.Join(" ", e.Value)))}");
            tlps.Add(report.Tlp + (report.Tlp == "RED" ? (report.Recipients.Count > 0 ? " (recipients)" : " (none named)") : ""));
            var classification = classifier.Classify(report);
            var (agencies, _) = decider.Decide(classification, report.Tlp, report.Recipients);
            outcomes.Add(new Outcome(id, item.GetProperty("note").GetString()!, expected with
            {
                Categories = [.. expected.Categories.Order(StringComparer.Ordinal)],
                Agencies = [.. expected.Agencies.Order(StringComparer.Ordinal)],
            }, [.. classification.Categories.Order(StringComparer.Ordinal)], classification.Severity, [.. agencies.Order(StringComparer.Ordinal)],
                item.TryGetProperty("rationale", out var why) ? why.Deserialize<Rationale>(web) : null));
        }

        static Score ScoreFor(string label, IEnumerable<Outcome> outcomes, Func<Outcome, string[]> actual, Func<Outcome, string[]> expected) => new(label,
            outcomes.Count(o => actual(o).Contains(label) && expected(o).Contains(label)),
            outcomes.Count(o => actual(o).Contains(label) && !expected(o).Contains(label)),
            outcomes.Count(o => !actual(o).Contains(label) && expected(o).Contains(label)));

        var root = set.RootElement;
        return new EvaluationResult(name, Path.GetFileName(path), root.TryGetProperty("description", out var d) ? d.GetString()! : "",
            root.TryGetProperty("decisions", out var decisions) ? [.. decisions.EnumerateArray().Select(x => x.GetString()!)] : [],
            rules.Version, outcomes,
            [.. CategoryLabels.Select(c => ScoreFor(c, outcomes, o => o.Categories, o => o.Expected.Categories))],
            [.. AgencyLabels.Select(a => ScoreFor(a, outcomes, o => o.Agencies, o => o.Expected.Agencies))],
            [.. tlps]);
    }
}
