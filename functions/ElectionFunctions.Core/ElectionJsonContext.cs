using System.Text.Json;
using System.Text.Json.Serialization;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;

namespace ElectionFunctions;

/// <summary>Source-generated serialization for everything on the hot paths (intake, queues, Cosmos, agency messages).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ReportSubmission))]
[JsonSerializable(typeof(StoredReport))]
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(SubmitManyResponse))]
[JsonSerializable(typeof(FollowUpRequest))]
[JsonSerializable(typeof(Acknowledgements.AcknowledgementRequest))]
[JsonSerializable(typeof(Acknowledgements.AcknowledgementResponse))]
[JsonSerializable(typeof(ReportStatusResponse))]
[JsonSerializable(typeof(ReportDocument))]
[JsonSerializable(typeof(ReportMessage))]
[JsonSerializable(typeof(AgencyMessage))]
[JsonSerializable(typeof(AgencyEnvelope))]
[JsonSerializable(typeof(QueryPage<ReportDocument>))]
[JsonSerializable(typeof(QueryPage<StuckReport>))]
[JsonSerializable(typeof(QueryPage<WatchRow>))]
[JsonSerializable(typeof(Taxii.TaxiiEntry))]
[JsonSerializable(typeof(QueryPage<Taxii.TaxiiEntry>))]
[JsonSerializable(typeof(ElectionPackage))]
[JsonSerializable(typeof(PackageManifest))]
[JsonSerializable(typeof(PackageResult))]
[JsonSerializable(typeof(PackageState))]
[JsonSerializable(typeof(Http.HealthReport))]
[JsonSerializable(typeof(Correlation.CorrelationDocument))]
[JsonSerializable(typeof(Correlation.IncidentView))]
public sealed partial class ElectionJsonContext : JsonSerializerContext;

/// <summary>The body of a Cosmos DB query page read through the stream API.</summary>
public sealed record QueryPage<T>(IReadOnlyList<T> Documents);
