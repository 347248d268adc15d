// Over 200 lines on purpose: one Utf8JsonReader pass over the whole report model; split, the hot path would cross files for every token.
using System.Text.Json;
using System.Text.Unicode;

namespace ElectionFunctions.Intake;

/// <summary>
/// The fast path for a native body. One pass of a <see cref="Utf8JsonReader"/> checks each token against the
/// compiled schema's keywords and builds the <see cref="ReportSubmission"/> from the same tokens. Reading the
/// body three times instead (JsonDocument, schema walk, deserialising the element) cost ~2.5× deserialising it
/// (docs/benchmarks.md). It answers only for a body that passes every check. Anything else gives null: invalid,
/// a duplicate name, too deep, a value .NET cannot hold, or a form it does not read. The caller then takes
/// the full path, which gives the answer and names the errors, so this reader need only be right when it
/// accepts (SchemaAgreementTests compares both on every body).
/// </summary>
public sealed class NativeReportReader
{
    // The model's fields in the names the schema and the serializer (camelCase) give them.
    private enum ReportField { SchemaVersion, ElectionId, FederalContest, Title, Narrative, ObservedAt, Jurisdiction, Tlp, Recipients, TargetedSystems, Effects, SuspectedForeignGovernments, NamedActors, Indicators, Contact, PartnerReference }
    private enum JurisdictionField { State, CountyFips }
    private enum ActorField { Name, Kind, Country, Role }
    private enum IndicatorField { Type, Value }
    private enum ContactField { Name, Email, Phone }

    private static readonly JsonReaderOptions Options = new() { MaxDepth = Http.JsonBody.MaxDepth };

    /// <summary>An object's checks, and for each of its schema properties the model field it sets.</summary>
    private sealed record Shape(CompiledSchema.Node Node, int[] FieldOf, ulong RequiredMask);

    private readonly Shape _report, _jurisdiction, _actor, _indicator, _contact;

    private NativeReportReader(CompiledSchema.Node root)
    {
        _report = ShapeOf<ReportField>(root);
        _jurisdiction = ShapeOf<JurisdictionField>(Property(root, "jurisdiction"));
        _actor = ShapeOf<ActorField>(Property(root, "namedActors").Items ?? throw new NotSupportedException("namedActors without items"));
        _indicator = ShapeOf<IndicatorField>(Property(root, "indicators").Items ?? throw new NotSupportedException("indicators without items"));
        _contact = ShapeOf<ContactField>(Property(root, "contact"));
    }

    /// <summary>
    /// The reader for a compiled report schema; null when the schema's objects are not the model's (a property
    /// added to one but not the other, an open object, more than 64 properties): then every body takes the full path.
    /// </summary>
    public static NativeReportReader? TryCreate(CompiledSchema schema)
    {
        try
        {
            return new NativeReportReader(schema.Root);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static CompiledSchema.Node Property(CompiledSchema.Node node, string name) =>
        node.Properties.FirstOrDefault(p => p.Name.AsSpan().SequenceEqual(System.Text.Encoding.UTF8.GetBytes(name))).Schema
        ?? throw new NotSupportedException("No property " + name);

    private static Shape ShapeOf<TField>(CompiledSchema.Node node) where TField : struct, Enum
    {
        if (node.Type != JsonValueKind.Object || !node.ClosedObject || node.Allowed is not null || node.Properties.Length > 64)
            throw new NotSupportedException("Not a closed object of at most 64 properties.");
        var names = Enum.GetNames<TField>().Select(JsonNamingPolicy.CamelCase.ConvertName).ToList();
        var fieldOf = node.Properties.Select(p => names.IndexOf(System.Text.Encoding.UTF8.GetString(p.Name))).ToArray();
        if (fieldOf.Contains(-1) || fieldOf.Length != names.Count) throw new NotSupportedException("The schema's properties are not the model's.");
        var required = 0UL;
        foreach (var name in node.Required)
        {
            var index = Array.FindIndex(node.Properties, p => p.Name.AsSpan().SequenceEqual(name));
            if (index < 0) throw new NotSupportedException("A required property the object does not have.");
            required |= 1UL << index;
        }
        return new Shape(node, fieldOf, required);
    }

    /// <summary>The report, when the body is valid UTF-8 JSON that passes every check of the schema; otherwise null.</summary>
    public ReportSubmission? TryRead(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body)) return null;
        var reader = new Utf8JsonReader(body, Options);
        try
        {
            if (!reader.Read()) return null;
            var report = Report(ref reader);
            // Nothing but whitespace may follow (the reader throws on a second value).
            return reader.Read() ? null : report;
        }
        catch (Exception e) when (e is Declined or JsonException)
        {
            return null;
        }
    }

    /// <summary>The body is not one this reader takes.</summary>
    private sealed class Declined : Exception;

    private ReportSubmission Report(ref Utf8JsonReader reader)
    {
        string? schemaVersion = null, electionId = null, title = null, narrative = null, tlp = null, partnerReference = null;
        bool? federalContest = null;
        DateTimeOffset? observedAt = null;
        Jurisdiction? jurisdiction = null;
        Contact? contact = null;
        List<string>? recipients = null, targetedSystems = null, effects = null, governments = null;
        List<NamedActor>? actors = null;
        List<Indicator>? indicators = null;

        var properties = new Properties(_report);
        Begin(ref reader, _report.Node);
        while (properties.Next(ref reader, out var field, out var node))
        {
            switch ((ReportField)field)
            {
                case ReportField.SchemaVersion: schemaVersion = Text(ref reader, node); break;
                case ReportField.ElectionId: electionId = Text(ref reader, node); break;
                case ReportField.FederalContest: federalContest = Boolean(ref reader, node); break;
                case ReportField.Title: title = Text(ref reader, node); break;
                case ReportField.Narrative: narrative = Text(ref reader, node); break;
                case ReportField.ObservedAt:
                    Text(ref reader, node);
                    observedAt = reader.TryGetDateTimeOffset(out var at) ? at : throw new Declined();
                    break;
                case ReportField.Jurisdiction: jurisdiction = Jurisdiction(ref reader, node); break;
                case ReportField.Tlp: tlp = Text(ref reader, node); break;
                case ReportField.Recipients: recipients = Texts(ref reader, node); break;
                case ReportField.TargetedSystems: targetedSystems = Texts(ref reader, node); break;
                case ReportField.Effects: effects = Texts(ref reader, node); break;
                case ReportField.SuspectedForeignGovernments: governments = Texts(ref reader, node); break;
                case ReportField.NamedActors: actors = Objects(ref reader, node, Actor); break;
                case ReportField.Indicators: indicators = Objects(ref reader, node, Indicator); break;
                case ReportField.Contact: contact = Contact(ref reader, node); break;
                case ReportField.PartnerReference: partnerReference = Text(ref reader, node); break;
            }
        }
        return new ReportSubmission
        {
            SchemaVersion = schemaVersion,
            ElectionId = electionId,
            FederalContest = federalContest,
            Title = title,
            Narrative = narrative,
            ObservedAt = observedAt,
            Jurisdiction = jurisdiction,
            Tlp = tlp,
            Recipients = recipients,
            TargetedSystems = targetedSystems,
            Effects = effects,
            SuspectedForeignGovernments = governments,
            NamedActors = actors,
            Indicators = indicators,
            Contact = contact,
            PartnerReference = partnerReference,
        };
    }

    private Jurisdiction Jurisdiction(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        var f = TextFields(ref reader, node, _jurisdiction);
        return new Jurisdiction(f[(int)JurisdictionField.State], f[(int)JurisdictionField.CountyFips]);
    }

    private NamedActor Actor(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        var f = TextFields(ref reader, node, _actor);
        return new NamedActor(f[(int)ActorField.Name], f[(int)ActorField.Kind], f[(int)ActorField.Country], f[(int)ActorField.Role]);
    }

    private Indicator Indicator(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        var f = TextFields(ref reader, node, _indicator);
        return new Indicator(f[(int)IndicatorField.Type], f[(int)IndicatorField.Value]);
    }

    private Contact Contact(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        var f = TextFields(ref reader, node, _contact);
        return new Contact(f[(int)ContactField.Name], f[(int)ContactField.Email], f[(int)ContactField.Phone]);
    }

    /// <summary>An object whose fields are all text, by field (null where absent).</summary>
    private static string?[] TextFields(ref Utf8JsonReader reader, CompiledSchema.Node node, Shape shape)
    {
        var fields = new string?[shape.FieldOf.Length];
        var properties = new Properties(shape);
        Begin(ref reader, node);
        while (properties.Next(ref reader, out var field, out var child)) fields[field] = Text(ref reader, child);
        return fields;
    }

    /// <summary>An object's properties in body order: each one's field and schema, the reader on its value.</summary>
    private ref struct Properties(Shape shape)
    {
        private ulong _seen;
        private int _next;

        public bool Next(ref Utf8JsonReader reader, out int field, out CompiledSchema.Node node)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                if ((_seen & shape.RequiredMask) != shape.RequiredMask) throw new Declined();
                (field, node) = (-1, null!);
                return false;
            }
            var index = shape.Node.IndexOf(ref reader, _next);
            // Unknown (the object is closed) or a second time (the full path names the duplicate).
            if (index < 0 || (_seen & (1UL << index)) != 0) throw new Declined();
            _seen |= 1UL << index;
            _next = index + 1;
            reader.Read();
            (field, node) = (shape.FieldOf[index], shape.Node.Properties[index].Schema);
            return true;
        }
    }

    private static void Begin(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        if (reader.TokenType != JsonTokenType.StartObject || !node.Admits(JsonValueKind.Object)) throw new Declined();
    }

    private static string Text(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        if (reader.TokenType != JsonTokenType.String || !node.Admits(JsonValueKind.String)) throw new Declined();
        var text = reader.GetString()!;
        if (!node.IsValidText(text)) throw new Declined();
        if (node.Format is { } format)
        {
            // The library's format check takes an element: a small document for this one value.
            var copy = reader;
            using var value = JsonDocument.ParseValue(ref copy);
            if (!format.Validate(value.RootElement, out _)) throw new Declined();
        }
        return text;
    }

    private static bool Boolean(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        var kind = reader.TokenType switch
        {
            JsonTokenType.True => JsonValueKind.True,
            JsonTokenType.False => JsonValueKind.False,
            _ => throw new Declined(),
        };
        // Admits refuses it too when an enum or const applies (those are read only as strings).
        if (!node.Admits(kind)) throw new Declined();
        return kind == JsonValueKind.True;
    }

    private static List<string> Texts(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        var items = BeginArray(ref reader, node);
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var text = Text(ref reader, items);
            // Two strings are equal JSON values exactly when they are equal after unescaping.
            if (node.UniqueItems && list.Contains(text, StringComparer.Ordinal)) throw new Declined();
            list.Add(text);
        }
        return EndArray(node, list);
    }

    private delegate T ItemReader<T>(ref Utf8JsonReader reader, CompiledSchema.Node node);

    private static List<T> Objects<T>(ref Utf8JsonReader reader, CompiledSchema.Node node, ItemReader<T> item)
    {
        var items = BeginArray(ref reader, node);
        // Unique objects would need comparing them whole; the report schema asks that of none.
        if (node.UniqueItems) throw new Declined();
        var list = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) list.Add(item(ref reader, items));
        return EndArray(node, list);
    }

    private static CompiledSchema.Node BeginArray(ref Utf8JsonReader reader, CompiledSchema.Node node)
    {
        if (reader.TokenType != JsonTokenType.StartArray || !node.Admits(JsonValueKind.Array)) throw new Declined();
        return node.Items ?? throw new Declined();
    }

    private static List<T> EndArray<T>(CompiledSchema.Node node, List<T> list) =>
        list.Count > node.MaxItems || list.Count < node.MinItems ? throw new Declined() : list;
}
