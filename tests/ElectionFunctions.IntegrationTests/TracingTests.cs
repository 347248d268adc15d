using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace ElectionFunctions.IntegrationTests;

/// <summary>One trace per report across the queue hops: the partner's traceparent reaches classification and routing.</summary>
public sealed class TracingTests(LocalStack stack)
{
    [Fact]
    public async Task The_partners_trace_id_continues_through_intake_classification_and_routing()
    {
        var cancel = TestContext.Current.CancellationToken;
        var stages = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stages.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports")
        {
            Content = new StringContent(Bodies.Incident("traced " + Guid.NewGuid()), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", stack.Token());
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await stack.Http.SendAsync(request, cancel);
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("reportId").GetString()!;
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(15));
        await Task.Delay(200, cancel); // the route activity stops after the status write

        var mine = stages.Where(a => a.GetTagItem(Telemetry.ReportIdTag) as string == reportId).ToList();
        Assert.Equal(["classify", "intake", "route"], mine.Select(a => a.OperationName).Distinct().Order());
        Assert.All(mine, a => Assert.Equal(traceId, a.TraceId));
        // Each hop is a child of the one before, not a sibling under the request.
        var intake = mine.Single(a => a.OperationName == "intake");
        var classify = mine.First(a => a.OperationName == "classify");
        Assert.Equal(intake.SpanId, classify.ParentSpanId);
        Assert.Equal(classify.SpanId, mine.First(a => a.OperationName == "route").ParentSpanId);
    }

    [Fact]
    public async Task Cosmos_requests_their_request_units_and_agency_messages_are_counted_by_stage()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var measured = new StageMeasurements();

        using var response = await stack.SubmitAsync(Bodies.Incident("metered " + Guid.NewGuid()));
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("reportId").GetString()!;
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(15));
        await Task.Delay(200, cancel);

        foreach (var stage in new[] { "intake", "classify", "route" })
        {
            Assert.Contains(measured.All, m => m is { Instrument: "electionfunctions.cosmos.requests", Value: >= 1 } && m.Stage == stage);
            Assert.Contains(measured.All, m => m is { Instrument: "electionfunctions.cosmos.request_units", Value: > 0 } && m.Stage == stage);
        }
        Assert.Contains(measured.All, m => m.Instrument == "electionfunctions.agency.messages");
    }
}
