using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ElectionFunctions;

/// <summary>
/// Traces across the queue hops: each stage runs in an activity of source <c>ElectionFunctions</c> whose
/// parent is the W3C <c>traceparent</c> the previous stage put in the queue message, so intake, classification
/// and routing of one report are one trace. The trace id is the correlation id in every log scope.
/// Meter <c>ElectionFunctions</c> counts what a report costs in Azure: Cosmos DB requests and request
/// units, and agency messages, each tagged with the stage it ran in.
/// </summary>
public static class Telemetry
{
    public const string SourceName = "ElectionFunctions";
    public const string ReportIdTag = "electionfunctions.report_id";

    public const string StageTag = "electionfunctions.stage";

    public static readonly ActivitySource Source = new(SourceName);
    public static readonly Meter Meter = new(SourceName);

    /// <summary>Every Cosmos DB operation's request charge, as its response reports it (<c>x-ms-request-charge</c>).</summary>
    public static readonly Counter<double> CosmosRequestUnits = Meter.CreateCounter<double>("electionfunctions.cosmos.request_units", "RU");
    public static readonly Counter<long> CosmosRequests = Meter.CreateCounter<long>("electionfunctions.cosmos.requests", "{request}");
    public static readonly Counter<long> AgencyMessages = Meter.CreateCounter<long>("electionfunctions.agency.messages", "{message}");

    /// <summary>The stage (intake, classify, route) whose activity is current, or "other"; only where a listener samples our activities.</summary>
    public static KeyValuePair<string, object?> Stage()
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
            if (activity.Source == Source) return new(StageTag, activity.OperationName);
        return new(StageTag, "other");
    }

    /// <summary>Starts a stage's activity under <paramref name="traceParent"/> (from a message or a request header) or the current one.</summary>
    public static Activity? StartStage(string name, ActivityKind kind, string? traceParent, string? reportId)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        var activity = parent == default ? Source.StartActivity(name, kind) : Source.StartActivity(name, kind, parent);
        if (reportId is not null) activity?.SetTag(ReportIdTag, reportId);
        return activity;
    }

    /// <summary>The log scope every stage uses: the report id and the correlation (trace) id.</summary>
    public static Dictionary<string, object> Scope(string reportId) => new()
    {
        ["ReportId"] = reportId,
        ["CorrelationId"] = Activity.Current?.TraceId.ToString() ?? reportId,
    };
}
