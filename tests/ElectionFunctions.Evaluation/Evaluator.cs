using System.Globalization;
using System.Text;
using System.Text.Json;
using ElectionFunctions.Classification;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Evaluation;

public sealed record Expected(string[] Categories, string Severity, string[] Agencies);

public sealed record Outcome(string Id, string Note, Expected Expected, string[] Categories, string Severity, string[] Agencies)
{
    public bool Correct => Categories.SequenceEqual(Expected.Categories) && Agencies.SequenceEqual(Expected.Agencies) && Severity == Expected.Severity;
}

public sealed record Score(string Label, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
    public int Support => TruePositives + FalseNegatives;
}

public sealed record EvaluationResult(string RulesVersion, IReadOnlyList<Outcome> Outcomes, IReadOnlyList<Score> Categories, IReadOnlyList<Score> Agencies,
    IReadOnlyList<string> TlpValues)
{
    public Score CategoriesMicro => Micro("all categories", Categories);
    public Score AgenciesMicro => Micro("all agencies", Agencies);
    public double SeverityAccuracy => (double)Outcomes.Count(o => o.Severity == o.Expected.Severity) / Outcomes.Count;

    private static Score Micro(string label, IEnumerable<Score> scores) =>
        new(label, scores.Sum(s => s.TruePositives), scores.Sum(s => s.FalsePositives), scores.Sum(s => s.FalseNegatives));

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Classification and routing: evaluation");
        md.AppendLine();
        md.AppendLine($"Rules version `{RulesVersion}`, routing matrix of `electionsettings.json`, over the {Outcomes.Count} labelled reports of");
        md.AppendLine("`tests/Evaluation/labelled-reports.json`. Regenerate with `make evaluate`; `make test` fails if agencies fall below");
        md.AppendLine("100% or categories below 95% (precision and recall, micro-averaged).");
        md.AppendLine();
        md.AppendLine("The set was labelled by the developers from DOMAIN.md (categories, routing matrix, severity, TLP) and covers every");
        md.AppendLine("category, agency, severity and TLP path, negated phrases and narrative-only reports. It is not an independent set: the");
        md.AppendLine("same people wrote the rules, so these figures show the rules do what DOMAIN.md says, not how they fare on unseen");
        md.AppendLine("partner reports. Reports the rules get wrong in production should be added here with their correct labels.");
        md.AppendLine();
        Table(md, "Categories", Categories.Append(CategoriesMicro));
        Table(md, "Agencies", Agencies.Append(AgenciesMicro));
        md.AppendLine($"Severity: {Outcomes.Count(o => o.Severity == o.Expected.Severity)} of {Outcomes.Count} exact ({Percent(SeverityAccuracy)}). " +
                      $"Reports fully right (categories, agencies and severity): {Outcomes.Count(o => o.Correct)} of {Outcomes.Count}. TLP values covered: {string.Join(", ", TlpValues)}.");
        md.AppendLine();
        var wrong = Outcomes.Where(o => !o.Correct).ToList();
        md.AppendLine("## Disagreements");
        md.AppendLine();
        if (wrong.Count == 0) md.AppendLine("None.");
        foreach (var o in wrong)
        {
            md.AppendLine($"- `{o.Id}` {o.Note}: expected {Describe(o.Expected.Categories, o.Expected.Severity, o.Expected.Agencies)}, " +
                          $"got {Describe(o.Categories, o.Severity, o.Agencies)}");
        }
        return md.ToString();
    }

    private static string Describe(string[] categories, string severity, string[] agencies) =>
        $"[{string.Join(", ", categories)}] {severity} → [{string.Join(", ", agencies)}]";

    private static void Table(StringBuilder md, string title, IEnumerable<Score> scores)
    {
        md.AppendLine($"## {title}");
        md.AppendLine();
        md.AppendLine("| label | support | true pos. | false pos. | false neg. | precision | recall |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in scores)
            md.AppendLine($"| {s.Label} | {s.Support} | {s.TruePositives} | {s.FalsePositives} | {s.FalseNegatives} | {Percent(s.Precision)} | {Percent(s.Recall)} |");
        md.AppendLine();
    }

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture);
}

/// <summary>Runs the labelled set through the same validator, classifier and routing decision as the app.</summary>
public static class Evaluator
{
    private static readonly string[] CategoryLabels = ["election-infrastructure", "campaign-infrastructure", "influence-operation", "illicit-finance", "out-of-scope"];
    private static readonly string[] AgencyLabels = ["odni", "dhs", "doj", "treasury"];

    public static string DefaultSet => Path.Combine(AppContext.BaseDirectory, "labelled-reports.json");

    public static EvaluationResult Run(string path)
    {
        var configuration = new ConfigurationBuilder().AddElectionSettingsDefaults().Build();
        var rules = configuration.GetSection(ClassificationOptions.Section).Get<ClassificationOptions>()!;
        var classifier = new Classifier(Options.Create(rules), TimeProvider.System);
        var decider = new RoutingDecider(Options.Create(configuration.GetSection(RoutingOptions.Section).Get<RoutingOptions>()!));
        var validator = new SubmissionValidator(new ReportSchema(),
            configuration.GetSection(ElectionsOptions.Section).Get<ElectionsOptions>()!, new IntakeOptions(), TimeProvider.System);

        using var set = JsonDocument.Parse(File.ReadAllText(path));
        var outcomes = new List<Outcome>();
        var tlps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in set.RootElement.GetProperty("reports").EnumerateArray())
        {
            var id = item.GetProperty("id").GetString()!;
            var expected = item.GetProperty("expected").Deserialize<Expected>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            var (report, errors) = validator.Validate(item.GetProperty("report"));
            if (report is null) throw new InvalidDataException($"{id} is not a valid report: {string.Join("; ", errors.Select(e => e.Key + ": " + string.Join(" ", e.Value)))}");
            tlps.Add(report.Tlp! + (report.Tlp == "RED" ? (report.Recipients!.Count > 0 ? " (recipients)" : " (none named)") : ""));
            var classification = classifier.Classify(report);
            var (agencies, _) = decider.Decide(classification, report.Tlp!, report.Recipients!);
            outcomes.Add(new Outcome(id, item.GetProperty("note").GetString()!, expected with
            {
                Categories = [.. expected.Categories.Order(StringComparer.Ordinal)],
                Agencies = [.. expected.Agencies.Order(StringComparer.Ordinal)],
            }, [.. classification.Categories.Order(StringComparer.Ordinal)], classification.Severity, [.. agencies.Order(StringComparer.Ordinal)]));
        }

        static Score ScoreFor(string label, IEnumerable<Outcome> outcomes, Func<Outcome, string[]> actual, Func<Outcome, string[]> expected) => new(label,
            outcomes.Count(o => actual(o).Contains(label) && expected(o).Contains(label)),
            outcomes.Count(o => actual(o).Contains(label) && !expected(o).Contains(label)),
            outcomes.Count(o => !actual(o).Contains(label) && expected(o).Contains(label)));

        return new EvaluationResult(rules.Version, outcomes,
            [.. CategoryLabels.Select(c => ScoreFor(c, outcomes, o => o.Categories, o => o.Expected.Categories))],
            [.. AgencyLabels.Select(a => ScoreFor(a, outcomes, o => o.Agencies, o => o.Expected.Agencies))],
            [.. tlps]);
    }
}
