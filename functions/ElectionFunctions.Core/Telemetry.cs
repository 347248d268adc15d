using System.Diagnostics;

namespace ElectionFunctions;

/// <summary>
/// Traces across the queue hops: each stage runs in an activity of source <c>ElectionFunctions</c> whose
/// parent is the W3C <c>traceparent</c> the previous stage put in the queue message, so intake, classification
/// and routing of one report are one trace. The trace id is the correlation id in every log scope.
/// </summary>
public static class Telemetry
{
    public const string SourceName = "ElectionFunctions";
    public const string ReportIdTag = "electionfunctions.report_id";

    public static readonly ActivitySource Source = new(SourceName);

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
