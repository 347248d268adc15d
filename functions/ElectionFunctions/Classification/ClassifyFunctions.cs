using ElectionFunctions.Operations;
using ElectionFunctions.Classification;
using ElectionFunctions.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Classification;

public sealed class ClassifyFunctions(ClassifyHandler handler, ProcessingFailures failures)
{
    [Function("ClassifyReport")]
    public Task ClassifyReport(
        [QueueTrigger(QueueNames.Intake, Connection = QueueNames.Connection)] string message,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);

    /// <summary>The host moves a message here after five failed dequeues; the report then says failed, with the reason.</summary>
    [Function("ClassifyReportPoison")]
    public Task ClassifyReportPoison(
        [QueueTrigger(QueueNames.IntakePoison, Connection = QueueNames.Connection)] string message,
        CancellationToken cancellationToken) =>
        failures.MarkFailedAsync(message, ClassifyHandler.Stage, cancellationToken);
}
