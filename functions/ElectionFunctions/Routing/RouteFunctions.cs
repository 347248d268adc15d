using ElectionFunctions.Operations;
using ElectionFunctions.Routing;
using ElectionFunctions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Routing;

public sealed class RouteFunctions(RoutingHandler handler, ProcessingFailures failures)
{
    [Function("RouteReport")]
    public Task RouteReport(
        [QueueTrigger(QueueNames.Route, Connection = QueueNames.Connection)] string message,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);

    [Function("RouteReportPoison")]
    public Task RouteReportPoison(
        [QueueTrigger(QueueNames.RoutePoison, Connection = QueueNames.Connection)] string message,
        CancellationToken cancellationToken) =>
        failures.MarkFailedAsync(message, RoutingHandler.Stage, cancellationToken);
}
