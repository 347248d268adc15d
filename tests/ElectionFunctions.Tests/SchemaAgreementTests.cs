// Over 200 lines: the mutation corpus that compares the compiled schema and the one-pass reader with JsonSchema.Net.
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Tests;

/// <summary>
/// The compiled report schema answers as JsonSchema.Net does: on every labelled report and sample, and on
/// thousands of mutations of them (each field removed, retyped, emptied, lengthened to each length limit
/// in plain and combining characters, given control characters, duplicates, extra fields, odd dates).
/// </summary>
public sealed class SchemaAgreementTests
{
    private static readonly ReportSchema Schema = ContractTests.Schema;
    private static readonly CompiledSchema Compiled = CompiledSchema.TryCompile(JsonDocument.Parse(Schema.Bytes).RootElement)!;

    [Fact]
    public void The_shipped_schema_compiles() => Assert.True(Schema.IsCompiled);

    [Fact]
    public void The_shipped_schema_and_model_are_read_in_one_pass() => Assert.True(Schema.ReadsInOnePass);

    [Fact]
    public void A_schema_property_the_model_lacks_leaves_every_body_to_the_full_path()
    {
        var schema = JsonNode.Parse(Schema.Bytes)!;
        schema["properties"]!["jurisdiction"]!["properties"]!["precinct"] = new JsonObject { ["type"] = "string" };
        Assert.Null(NativeReportReader.TryCreate(CompiledSchema.TryCompile(JsonDocument.Parse(schema.ToJsonString()).RootElement)!));
    }

    [Fact]
    public void A_keyword_it_does_not_know_leaves_the_schema_to_the_library()
    {
        Assert.Null(CompiledSchema.TryCompile(JsonDocument.Parse("""{"type":"object","anyOf":[{"required":["a"]}]}""").RootElement));
        Assert.Null(CompiledSchema.TryCompile(JsonDocument.Parse("""{"type":"string","format":"uri"}""").RootElement));
        Assert.NotNull(CompiledSchema.TryCompile(JsonDocument.Parse("""{"type":"string","format":"date-time","title":"t"}""").RootElement));
    }

    private static IEnumerable<JsonNode> Bodies()
    {
        var set = JsonNode.Parse(File.ReadAllText(Evaluation.Evaluator.DefaultSet))!;
        foreach (var report in set["reports"]!.AsArray()) yield return report!["report"]!.DeepClone();
        yield return JsonNode.Parse(TestPaths.Sample("incident.native.json"))!;
    }

    /// <summary>Every length limit of the schema, one below, at and above it.</summary>
    private static readonly int[] Lengths = [.. Limits(JsonNode.Parse(Schema.Bytes)!).SelectMany(l => new[] { l - 1, l, l + 1 }).Where(l => l >= 0).Distinct()];

    private static IEnumerable<int> Limits(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key is "maxLength" or "minLength" ? [p.Value!.GetValue<int>()] : Limits(p.Value)),
        JsonArray a => a.SelectMany(Limits),
        _ => [],
    };

    private static IEnumerable<JsonNode?> Replacements()
    {
        yield return 1;
        yield return true;
        yield return null;
        yield return new JsonObject();
        yield return new JsonArray();
        yield return new JsonArray("RU", "RU");
        yield return new JsonArray([.. Enumerable.Range(0, 51).Select(i => (JsonNode)$"{(char)('A' + i % 26)}{(char)('A' + i / 26)}")]);
        foreach (var s in new[] { "", "x", "RU", "AMBER", "dhs", "IR", "a\n", "line\u0001", "tab\there", "\u007F", "2026-11-03-general", "48113",
                     "2026-11-02T15:00:00Z", "2026-11-02 15:00:00Z", "2026-13-02T15:00:00Z", "2026-11-02T15:00:00+01:00", "2026-11-02t15:00:00z",
                     "2026-11-02T15:00:60Z", "2026-11-02", "a@b", "+1 (555) 010-0100", "ref:2026/11-a" })
            yield return s;
        foreach (var length in Lengths)
        {
            yield return new string('a', length);
            // length + 1 UTF-16 units that are `length` text elements, and surrogate pairs of `length` code points.
            if (length > 0) yield return new string('a', length - 1) + "e\u0301";
            if (length is > 0 and < 1000) yield return string.Concat(Enumerable.Repeat("\U0001F5F3", length));
        }
    }

    private static IEnumerable<(string Path, JsonNode Body)> Mutations(JsonNode body)
    {
        yield return ("", body);
        var paths = Paths(body, "").ToList();
        foreach (var path in paths)
        {
            var (parent, key) = (path[..path.LastIndexOf('/')], path[(path.LastIndexOf('/') + 1)..]);
            if (At(body, parent) is JsonObject)
            {
                var copy = body.DeepClone();
                At(copy, parent).AsObject().Remove(key);
                yield return (path + " removed", copy);
            }
            foreach (var replacement in Replacements())
            {
                var copy = body.DeepClone();
                if (At(copy, parent) is JsonObject o) o[key] = replacement?.DeepClone();
                else At(copy, parent).AsArray()[int.Parse(key)] = replacement?.DeepClone();
                yield return ($"{path} = {Describe(replacement)}", copy);
            }
        }
        foreach (var path in paths.Prepend("").Where(p => At(body, p) is JsonObject))
        {
            var copy = body.DeepClone();
            At(copy, path).AsObject()["unexpected"] = "x";
            yield return (path + "/unexpected added", copy);
        }
    }

    private static string Describe(JsonNode? node) => node?.ToJsonString() switch
    {
        null => "null",
        { Length: > 40 } s => $"{s[..40]}… ({s.Length})",
        var s => s,
    };

    /// <summary>Every property and array item below the node, as a pointer.</summary>
    private static IEnumerable<string> Paths(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => Paths(p.Value, $"{path}/{p.Key}").Prepend($"{path}/{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Paths(item, $"{path}/{i}").Prepend($"{path}/{i}")),
        _ => [],
    };

    private static JsonNode At(JsonNode root, string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries)
        .Aggregate(root, (node, segment) => node is JsonObject o ? o[segment]! : node.AsArray()[int.Parse(segment)]!);

    /// <summary>The full path's record: the strict parse, JsonSchema.Net, then the serializer; null where any of them refuses the body.</summary>
    private static ReportSubmission? FullPath(byte[] body)
    {
        var (document, _) = Http.JsonBody.Parse(body);
        using (document)
        {
            if (document is null || !Schema.IsValidByLibrary(document.RootElement)) return null;
            try
            {
                return document.RootElement.Deserialize(ElectionJsonContext.Default.ReportSubmission);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The one-pass reader takes a body exactly when the full path does, and reads the same report from it.</summary>
    private static void AssertReadInOnePass(byte[] body, string label, List<string> disagreements)
    {
        var expected = FullPath(body);
        var actual = Schema.TryRead(body);
        if ((expected is null) != (actual is null))
            disagreements.Add($"{label}: full path {(expected is null ? "refuses" : "takes")} it, one pass {(actual is null ? "refuses" : "takes")} it");
        else if (expected is not null && JsonSerializer.Serialize(expected, ElectionJsonContext.Default.ReportSubmission) != JsonSerializer.Serialize(actual, ElectionJsonContext.Default.ReportSubmission))
            disagreements.Add($"{label}: the two read different reports");
    }

    [Fact]
    public void Answers_as_JsonSchema_Net_on_the_bodies_and_their_mutations()
    {
        var bodies = Bodies().ToList();
        int valid = 0, invalid = 0;
        var disagreements = new List<string>();
        foreach (var (body, index) in bodies.Select((b, i) => (b, i)))
        {
            // Every body as it is; the mutations of every fifth (the corpus repeats its shapes).
            var cases = index % 5 == 0 || index == bodies.Count - 1 ? Mutations(body) : [("", body)];
            foreach (var (path, mutated) in cases)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(mutated.ToJsonString());
                using var document = JsonDocument.Parse(bytes);
                var expected = Schema.IsValidByLibrary(document.RootElement);
                if (Compiled.IsValid(document.RootElement) != expected) disagreements.Add($"body {index} {path}: library says {(expected ? "valid" : "invalid")}");
                AssertReadInOnePass(bytes, $"body {index} {path}", disagreements);
                if (expected) valid++;
                else invalid++;
            }
        }
        Assert.Empty(disagreements);
        // Both answers were exercised, many times.
        Assert.True(valid > 100 && invalid > 1000, $"{valid} valid, {invalid} invalid");
    }

    public static TheoryData<string, bool> Texts() => new()
    {
        // What a JsonNode cannot express: the bytes around and inside the JSON, escapes, duplicates.
        { "{body}", true },
        // A byte order mark: both refuse it (RFC 8259 lets a parser refuse it; the reader does).
        { "\uFEFF{body}", false },
        { " \r\n\t{body} \n", true },
        { "{body}{}", false },
        { "{body} x", false },
        { "{body},", false },
        { "[{body}]", false },
        { "/* c */{body}", false },
        // {inner}: the body's members with "title" written with an escape, which names the same property.
        { "{{inner}", true },
        { "{\"title\":\"again\",{inner}", false },
        { "{\"ti\\u0074le\":\"again\",{inner}", false },
        { "{{inner},}", false },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Reads_in_one_pass_what_the_full_path_takes_as_sent(string template, bool takes)
    {
        var body = TestPaths.Sample("incident.native.json").Trim();
        var text = template.Replace("{body}", body).Replace("{inner}", body[1..].Replace("\"title\"", "\"t\\u0069tle\""));
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var disagreements = new List<string>();
        AssertReadInOnePass(bytes, template, disagreements);
        Assert.Empty(disagreements);
        Assert.Equal(takes, Schema.TryRead(bytes) is not null);
    }

    [Fact]
    public void Takes_no_body_that_is_not_UTF_8()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(TestPaths.Sample("incident.native.json"));
        var at = Array.IndexOf(bytes, (byte)'U');
        bytes[at] = 0xC3;
        Assert.Null(Schema.TryRead(bytes));
        Assert.Null(FullPath(bytes));
    }
}
