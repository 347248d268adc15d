using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;

namespace ElectionFunctions.Storage;

/// <summary>The internal storage queues between stages; messages carry only the report id (plain JSON, host.json messageEncoding none).</summary>
public sealed class WorkQueues(QueueServiceClient queues)
{
    public Task EnqueueAsync(string queueName, string reportId, CancellationToken cancellationToken) =>
        queues.GetQueueClient(queueName).SendMessageAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new ReportMessage(reportId, Activity.Current?.Id), ElectionJsonContext.Default.ReportMessage)),
            cancellationToken: cancellationToken);

    public static ReportMessage Parse(string message) =>
        JsonSerializer.Deserialize(message, ElectionJsonContext.Default.ReportMessage)
        ?? throw new FormatException("Empty queue message.");
}
