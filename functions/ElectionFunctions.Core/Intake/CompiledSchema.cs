// Over 200 lines on purpose: one compiler per JSON Schema keyword the report schema uses, kept together so a new keyword is seen missing.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace ElectionFunctions.Intake;

/// <summary>
/// The report schema's keywords compiled once into a tree of checks that answers only "valid or not".
/// Evaluating JsonSchema.Net on every body cost ~18× deserialising it (docs/benchmarks.md); this walks the
/// body once without allocating per keyword. It takes its regular expressions and the date-time format
/// from JsonSchema.Net itself, and counts lengths in text elements as it does, so both answer alike
/// (SchemaAgreementTests). A schema that uses a keyword it does not know does not compile (null):
/// JsonSchema.Net then checks every body. Errors are always reported by JsonSchema.Net.
/// </summary>
public sealed class CompiledSchema
{
    // Keywords that annotate and never fail a body.
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "$comment", "title", "description", "examples", "default"];

    private readonly Node _root;

    private CompiledSchema(Node root) => _root = root;

    /// <summary>The compiled schema, or null when it uses a keyword (or a form of one) not compiled here.</summary>
    public static CompiledSchema? TryCompile(JsonElement schema)
    {
        try
        {
            return new CompiledSchema(Compile(schema));
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    public bool IsValid(JsonElement instance) => _root.IsValid(instance);

    /// <summary>The root's checks, for a reader that checks tokens as it reads them (<see cref="NativeReportReader"/>).</summary>
    internal Node Root => _root;

    private static Node Compile(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object) throw new NotSupportedException("A boolean schema.");
        var node = new Node();
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case var name when Annotations.Contains(name):
                    break;
                case "type":
                    node.Type = value.GetString() switch
                    {
                        "object" => JsonValueKind.Object,
                        "array" => JsonValueKind.Array,
                        "string" => JsonValueKind.String,
                        "boolean" => JsonValueKind.True,
                        "null" => JsonValueKind.Null,
                        _ => throw new NotSupportedException("type " + value),
                    };
                    break;
                case "properties":
                    node.Properties = [.. value.EnumerateObject().Select(p => (Encoding.UTF8.GetBytes(p.Name), Compile(p.Value)))];
                    break;
                case "required":
                    node.Required = [.. value.EnumerateArray().Select(r => Encoding.UTF8.GetBytes(r.GetString()!))];
                    break;
                case "additionalProperties":
                    if (value.ValueKind != JsonValueKind.False) throw new NotSupportedException("additionalProperties other than false.");
                    node.ClosedObject = true;
                    break;
                case "items":
                    node.Items = Compile(value);
                    break;
                case "maxItems":
                    node.MaxItems = value.GetInt32();
                    break;
                case "minItems":
                    node.MinItems = value.GetInt32();
                    break;
                case "uniqueItems":
                    node.UniqueItems = value.GetBoolean();
                    break;
                case "enum":
                    node.Allowed = [.. value.EnumerateArray().Select(v => v.Clone())];
                    break;
                case "const":
                    node.Allowed = [value.Clone()];
                    break;
                case "maxLength":
                    node.MaxLength = value.GetInt32();
                    break;
                case "minLength":
                    node.MinLength = value.GetInt32();
                    break;
                case "pattern":
                    // The library's own Regex for the pattern (its ECMAScript options), so both match alike.
                    node.Pattern = PatternKeyword.Instance.ValidateKeywordValue(value) as Regex ?? throw new NotSupportedException("pattern");
                    break;
                case "format":
                    node.Format = value.GetString() is "date-time" ? Formats.DateTime : throw new NotSupportedException("format " + value);
                    break;
                default:
                    throw new NotSupportedException(keyword.Name);
            }
        }
        if (node.ClosedObject && node.Properties.Length == 0) throw new NotSupportedException("additionalProperties without properties.");
        node.AllowedStrings = node.Allowed?.Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray();
        return node;
    }

    internal sealed class Node
    {
        public JsonValueKind? Type;
        public (byte[] Name, Node Schema)[] Properties = [];
        public byte[][] Required = [];
        public bool ClosedObject;
        public Node? Items;
        public int? MaxItems, MinItems, MaxLength, MinLength;
        public bool UniqueItems;
        public JsonElement[]? Allowed;
        public string[]? AllowedStrings;
        public Regex? Pattern;
        public Format? Format;

        public bool IsValid(JsonElement instance)
        {
            var kind = instance.ValueKind;
            if (!IsOfType(kind)) return false;
            if (Allowed is not null && !IsAllowed(instance)) return false;
            return kind switch
            {
                JsonValueKind.Object => IsValidObject(instance),
                JsonValueKind.Array => IsValidArray(instance),
                JsonValueKind.String => IsValidString(instance),
                _ => true,
            };
        }

        private bool IsAllowed(JsonElement instance)
        {
            foreach (var allowed in Allowed!)
            {
                if (allowed.ValueKind == JsonValueKind.String
                    ? instance.ValueKind == JsonValueKind.String && instance.ValueEquals(allowed.GetString())
                    : JsonElement.DeepEquals(allowed, instance))
                    return true;
            }
            return false;
        }

        private bool IsValidObject(JsonElement instance)
        {
            foreach (var name in Required)
                if (!instance.TryGetProperty(name, out _)) return false;
            var known = 0;
            foreach (var (name, schema) in Properties)
            {
                if (!instance.TryGetProperty(name, out var value)) continue;
                known++;
                if (!schema.IsValid(value)) return false;
            }
            // Every property is known when all of them were found by name (duplicate names never reach here: the reader refuses them).
            return !ClosedObject || known == instance.GetPropertyCount();
        }

        private bool IsValidArray(JsonElement instance)
        {
            var count = instance.GetArrayLength();
            if (count > MaxItems || count < MinItems) return false;
            if (Items is not null)
                foreach (var item in instance.EnumerateArray())
                    if (!Items.IsValid(item)) return false;
            if (UniqueItems)
                for (var i = 1; i < count; i++)
                    for (var j = 0; j < i; j++)
                        if (JsonElement.DeepEquals(instance[i], instance[j])) return false;
            return true;
        }

        private bool IsValidString(JsonElement instance) =>
            (MaxLength is null && MinLength is null && Pattern is null && Format is null) || (IsValidText(instance.GetString()!) && (Format is null || Format.Validate(instance, out _)));

        /// <summary>Whether a value of this JSON kind can pass the type, and an enum or const before its content is seen.</summary>
        public bool Admits(JsonValueKind kind) => IsOfType(kind) && (Allowed is null || kind == JsonValueKind.String);

        // "boolean" is compiled as True, and False is a boolean too.
        private bool IsOfType(JsonValueKind kind) =>
            Type is not { } type || kind == type || (type == JsonValueKind.True && kind == JsonValueKind.False);

        /// <summary>A string's checks but the format: enum or const, lengths, pattern.</summary>
        public bool IsValidText(string text)
        {
            if (AllowedStrings is not null && Array.IndexOf(AllowedStrings, text) < 0) return false;
            // Lengths are in text elements (as the library counts): never more than the UTF-16 length, so count only when that can decide.
            if (text.Length > MaxLength && new StringInfo(text).LengthInTextElements > MaxLength) return false;
            if (MinLength is { } min && (text.Length < min || (min > 1 && new StringInfo(text).LengthInTextElements < min))) return false;
            return Pattern is null || Pattern.IsMatch(text);
        }

        /// <summary>The index in <see cref="Properties"/> of the property name the reader is on; -1 when it is none of them. Tries <paramref name="from"/> first (bodies mostly keep the schema's order).</summary>
        public int IndexOf(ref Utf8JsonReader reader, int from)
        {
            for (var n = 0; n < Properties.Length; n++)
            {
                var i = (from + n) % Properties.Length;
                if (reader.ValueTextEquals(Properties[i].Name)) return i;
            }
            return -1;
        }
    }
}
