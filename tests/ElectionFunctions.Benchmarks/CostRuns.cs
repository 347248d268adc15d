using System.Diagnostics.Metrics;
using System.Text;
using Azure.Storage.Queues;
using ElectionFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.Benchmarks;

/// <summary>
/// Section 4: what one report costs in Azure operations. 200 reports through intake (HTTP), then the classify and route
/// handlers, counted by the meter the app exports (Telemetry).
/// </summary>
public static class CostRuns
{
    public static async Task WriteAsync(StringBuilder md, BenchHost host)
    {
        var cost = await CostPerReportAsync(host, 200);
        md.AppendLine("## 4. Cost per report in Azure operations").AppendLine();
        md.AppendLine($"{cost.Reports} typical reports through intake (HTTP), classification and routing on the emulators, counted by the app's meter " +
                      $"`{Telemetry.SourceName}` (`electionfunctions.cosmos.requests`, `electionfunctions.cosmos.request_units`, `electionfunctions.agency.messages`), " +
                      "which the Functions app exports with its OpenTelemetry metrics.").AppendLine();
        md.AppendLine("| stage | Cosmos DB requests per report | request units per report (emulator: 1 per request) |").AppendLine("|---|---:|---:|");
        foreach (var (stage, requests, units) in cost.Stages) md.AppendLine($"| {stage} | {requests:0.00} | {units:0.00} |");
        md.AppendLine().AppendLine($"Agency messages per report: **{cost.AgencyMessages:0.00}** (this body is in scope, TLP:AMBER, and goes to {cost.AgencyMessages:0} agencies).").AppendLine();
    }

    /// <summary>Posts the reports, runs the classify and route handlers over what they queued, and divides what the meter counted by the reports.</summary>
    private static async Task<(int Reports, List<(string Stage, double Requests, double Units)> Stages, double AgencyMessages)> CostPerReportAsync(BenchHost host, int reports)
    {
        using var measured = new StageMeasurements();
        for (var i = 0; i < reports; i++) await host.PostAsync(BenchHost.Body("cost", i), CancellationToken.None);
        var services = host.Services;
        var queues = services.GetRequiredService<QueueServiceClient>();
        await DrainAsync(queues.GetQueueClient(QueueNames.Intake), services.GetRequiredService<Classification.ClassifyHandler>().HandleAsync);
        await DrainAsync(queues.GetQueueClient(QueueNames.Route), services.GetRequiredService<Routing.RoutingHandler>().HandleAsync);
        double PerReport(Instrument instrument, string? stage = null) =>
            measured.All.Where(m => m.Instrument == instrument.Name && (stage is null || m.Stage == stage)).Sum(m => m.Value) / reports;
        return (reports, [.. new[] { "intake", "classify", "route", "other" }.Where(stage => measured.All.Any(m => m.Instrument == Telemetry.CosmosRequests.Name && m.Stage == stage))
            .Select(stage => (stage, PerReport(Telemetry.CosmosRequests, stage), PerReport(Telemetry.CosmosRequestUnits, stage)))],
            PerReport(Telemetry.AgencyMessages));
    }

    private static async Task DrainAsync(QueueClient queue, Func<string, CancellationToken, Task> handle)
    {
        while ((await queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
            foreach (var message in batch)
            {
                await handle(message.Body.ToString(), CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
    }
}
