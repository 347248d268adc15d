using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Configuration;

namespace ElectionFunctions.Benchmarks;

/// <summary>The in-process decision for one report (read, validate, classify, route) against deserialising the same body.</summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private static readonly ReportSchema Schema = new();
    private static readonly SubmissionValidator Validator = new(Schema,
        ShippedSettings.Configuration.GetSection(ElectionsOptions.Section).Get<ElectionsOptions>()!, new IntakeOptions(), TimeProvider.System);
    private static readonly Classification.Classifier Classifier = ShippedSettings.Classifier();
    private static readonly RoutingDecider Decider = ShippedSettings.Decider();
    private static readonly List<IReadOnlyList<string>> PhraseGroups =
        [ShippedSettings.Rules.ForeignNexusPhrases, .. ShippedSettings.Rules.Rules.Select(r => r.Phrases)];
    private static readonly Classification.PhraseMatcher Phrases = new(PhraseGroups);
    private static readonly ReferencePhrases PhrasesBefore = new(PhraseGroups);

    private byte[] _body = [];
    private StoredReport _validated = null!;
    private JsonDocument _document = null!;

    [Params("typical-4KB", "narrative-200KB")]
    public string Body { get; set; } = "";

    public static byte[] MakeBody(string kind)
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "incident.native.json")))!;
        var narrative = sample["narrative"]!.GetValue<string>();
        // typical: the sample's narrative repeated to ~4 KB in all; large: a 200 KB narrative (the limit).
        var target = kind == "typical-4KB" ? 3300 : 199_000;
        var text = new System.Text.StringBuilder(narrative);
        while (text.Length + narrative.Length + 1 < target) text.Append(' ').Append(narrative);
        sample["narrative"] = text.ToString();
        return JsonSerializer.SerializeToUtf8Bytes(sample);
    }

    [GlobalSetup]
    public void Setup()
    {
        _body = MakeBody(Body);
        _document = JsonDocument.Parse(_body);
        _validated = Validator.ValidateInOnePass(_body).Report ?? throw new InvalidOperationException("The one-pass reader refused the body.");
    }

    [GlobalCleanup]
    public void Cleanup() => _document.Dispose();

    // Before and after of the changes that cut the decision from ~260 µs (docs/benchmarks.md, analysis).
    [Benchmark(Description = "schema alone, before: JsonSchema.Net")]
    public bool SchemaByLibrary() => Schema.IsValidByLibrary(_document.RootElement);

    [Benchmark(Description = "schema alone, now: compiled")]
    public bool SchemaCompiled() => Schema.Evaluate(_document.RootElement).Count == 0;

    [Benchmark(Description = "phrase rules alone, before: 19 expressions")]
    public int PhrasesByExpressions() => PhrasesBefore.FirstAccepted(_validated.Narrative!, (_, _) => true).Count(f => f is not null);

    [Benchmark(Description = "phrase rules alone, now: one pass")]
    public int PhrasesOnePass() => Phrases.FirstAccepted(_validated.Narrative!, (_, _) => true).Count(f => f is not null);

    [Benchmark(Description = "stage: classify + route (validated report)")]
    public int ClassifyAndRoute()
    {
        var classification = Classifier.Classify(_validated);
        return Decider.Decide(classification, _validated.Tlp!, _validated.Recipients!).Agencies.Count;
    }

    [Benchmark(Description = "stage: indicator extraction alone")]
    public int Indicators() => Classification.IndicatorExtractor.Merge([], _validated.Narrative!).Count;

    [Benchmark(Baseline = true, Description = "JsonSerializer.Deserialize (baseline)")]
    public ReportSubmission? Deserialize() => JsonSerializer.Deserialize(_body, ElectionJsonContext.Default.ReportSubmission);

    [Benchmark(Description = "read + validate, before: parse, schema, deserialise the element")]
    public bool ValidateInFull()
    {
        var (document, _) = JsonBody.Parse(_body);
        using (document) return Validator.Validate(document!.RootElement).Report is not null;
    }

    [Benchmark(Description = "stage: read + validate, now: one pass (schema, rules)")]
    public bool Validate() => Validator.ValidateInOnePass(_body).Report is not null;

    [Benchmark(Description = "read + validate + classify + route")]
    public int Decide()
    {
        // As intake does: the one-pass reader takes a valid body (the full path is for the others).
        var report = Validator.ValidateInOnePass(_body).Report!;
        var classification = Classifier.Classify(report);
        return Decider.Decide(classification, report.Tlp!, report.Recipients!).Agencies.Count;
    }
}
