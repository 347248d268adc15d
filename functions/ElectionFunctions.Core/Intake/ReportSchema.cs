using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ElectionFunctions.Intake;

/// <summary>
/// The native body's JSON Schema (docs/schemas/report-v1.json, embedded), evaluated with JsonSchema.Net.
/// Errors come back keyed by field path (<c>namedActors[0].kind</c>), enum errors with the allowed values.
/// A body the compiled schema (<see cref="CompiledSchema"/>) finds valid is not evaluated again: that is
/// the common case, and the library's evaluation of it cost ~18× deserialising the body.
/// </summary>
public sealed partial class ReportSchema
{
    public const string Name = "report-v1.json";

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

    private readonly JsonSchema _schema;
    private readonly CompiledSchema? _compiled;
    private readonly NativeReportReader? _reader;
    private readonly JsonElement _document;

    public ReportSchema()
    {
        using var stream = typeof(ReportSchema).Assembly.GetManifestResourceStream("schemas/" + Name)
            ?? throw new InvalidOperationException("The report schema is not embedded.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        Bytes = memory.ToArray();
        _document = JsonDocument.Parse(Bytes).RootElement.Clone();
        // Its own registry: the global one keeps a schema per $id, and a second instance (two hosts in one process) would clash.
        _schema = JsonSchema.FromText(System.Text.Encoding.UTF8.GetString(Bytes), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        _compiled = CompiledSchema.TryCompile(_document);
        _reader = _compiled is null ? null : NativeReportReader.TryCreate(_compiled);
    }

    /// <summary>Whether valid native bodies are read in one pass (<see cref="NativeReportReader"/>).</summary>
    public bool ReadsInOnePass => _reader is not null;

    /// <summary>The report, when the one-pass reader takes the body: valid JSON that passes the schema. Null: take the full path.</summary>
    public ReportSubmission? TryRead(ReadOnlySpan<byte> body) => _reader?.TryRead(body);

    /// <summary>Whether the schema compiled (a keyword it does not know leaves every body to JsonSchema.Net).</summary>
    public bool IsCompiled => _compiled is not null;

    /// <summary>JsonSchema.Net's answer alone, for the agreement tests and the benchmark's before/after.</summary>
    public bool IsValidByLibrary(JsonElement instance) => _schema.Evaluate(instance, Flag).IsValid;

    /// <summary>The schema as published (served at GET /api/schemas/report-v1.json).</summary>
    public byte[] Bytes { get; }

    /// <summary>GET /api/schemas/report-v1.json: the contract, public like the documentation it is.</summary>
    public WithHeader<FileContentHttpResult> Published() =>
        new(TypedResults.Bytes(Bytes, "application/schema+json"), HeaderNames.CacheControl, "public, max-age=3600");

    public Dictionary<string, List<string>> Evaluate(JsonElement instance)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        // Most bodies are valid: the compiled check answers those; the library lists the errors of the rest.
        if (_compiled is not null ? _compiled.IsValid(instance) : _schema.Evaluate(instance, Flag).IsValid) return errors;
        var results = _schema.Evaluate(Bounded(instance), Options);
        if (results.IsValid) return errors;

        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is null) continue;
            var pointer = detail.InstanceLocation.ToString();
            foreach (var (keyword, message) in detail.Errors)
            {
                switch (keyword)
                {
                    case "required":
                        foreach (Match m in QuotedName().Matches(message))
                            Add(errors, Field(pointer, m.Groups[1].Value), "Required.");
                        break;
                    case "enum" or "const":
                        Add(errors, Field(pointer), AllowedAt(pointer) is { } allowed ? "Allowed: " + string.Join(", ", allowed) + "." : message);
                        break;
                    case "":
                        // additionalProperties: false reports its failure under an empty keyword.
                        Add(errors, Field(pointer), "Unknown field.");
                        break;
                    case "pattern":
                        Add(errors, Field(pointer), "Invalid characters or format.");
                        break;
                    default:
                        Add(errors, Field(pointer), message);
                        break;
                }
            }
        }
        // A failure with no located detail (should not happen) still must not pass.
        if (errors.Count == 0) Add(errors, "$", "Does not match the report schema.");
        return errors;
    }

    /// <summary>Items of an array the error listing looks at: twice the largest maxItems of the schema (500).</summary>
    public const int ListedItems = 1000;

    /// <summary>
    /// The instance with every array cut at <see cref="ListedItems"/>: JsonSchema.Net lists every error, and 28,000 bad
    /// indicators took ~2 s to list when an answer shows 100 (Problems.Cap). The cut array still breaks maxItems.
    /// </summary>
    private static JsonElement Bounded(JsonElement instance)
    {
        if (!HasLongArray(instance)) return instance;
        var node = JsonNode.Parse(instance.GetRawText())!;
        Cut(node);
        return JsonSerializer.SerializeToElement(node);

        static bool HasLongArray(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Array => e.GetArrayLength() > ListedItems || e.EnumerateArray().Any(HasLongArray),
            JsonValueKind.Object => e.EnumerateObject().Any(p => HasLongArray(p.Value)),
            _ => false,
        };

        static void Cut(JsonNode? n)
        {
            switch (n)
            {
                case JsonArray a:
                    while (a.Count > ListedItems) a.RemoveAt(a.Count - 1);
                    foreach (var item in a) Cut(item);
                    break;
                case JsonObject o:
                    foreach (var (_, value) in o) Cut(value);
                    break;
            }
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        if (!list.Contains(message)) list.Add(message);
    }

    /// <summary><c>/namedActors/0/kind</c> → <c>namedActors[0].kind</c>.</summary>
    public static string Field(string pointer, string? child = null)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Append(child).OfType<string>())
        {
            var segment = raw.Replace("~1", "/").Replace("~0", "~");
            if (segment.All(char.IsAsciiDigit)) builder.Append('[').Append(segment).Append(']');
            else builder.Append(builder.Length > 0 ? "." : "").Append(segment);
        }
        return builder.Length == 0 ? "$" : builder.ToString();
    }

    /// <summary>The enum (or const) that applies at an instance location, read from the schema itself.</summary>
    private IEnumerable<string>? AllowedAt(string pointer)
    {
        var node = _document;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.All(char.IsAsciiDigit))
            {
                if (!node.TryGetProperty("items", out node)) return null;
            }
            else if (!node.TryGetProperty("properties", out var properties) || !properties.TryGetProperty(segment, out node))
            {
                return null;
            }
        }
        if (node.TryGetProperty("enum", out var values)) return values.EnumerateArray().Select(v => v.GetString()!);
        if (node.TryGetProperty("const", out var value)) return [value.GetString()!];
        return null;
    }

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedName();
}
