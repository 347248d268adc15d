using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using ElectionFunctions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ElectionFunctions.Functions.Http.ProblemsMiddleware>();
builder.UseMiddleware<ElectionFunctions.Functions.Http.CallerMiddleware>();
builder.Configuration.AddElectionSettingsDefaults();
builder.Services.AddElectionFunctions(builder.Configuration);

// Traces: the invocation's context from the host, then our stages (Telemetry.SourceName) across the queue hops.
// Metrics: Cosmos DB requests and request units, agency messages, by stage.
var telemetry = builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .WithTracing(tracing => tracing.AddSource(Telemetry.SourceName))
    .WithMetrics(metrics => metrics.AddMeter(Telemetry.SourceName));
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // Application Insights has local authentication off: the app's managed identity writes.
    telemetry.UseAzureMonitorExporter(options =>
        options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(builder.Configuration["AzureWebJobsStorage:clientId"]!)));
}

builder.Build().Run();
