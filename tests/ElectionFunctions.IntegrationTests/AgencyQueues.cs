using System.Text.Json;
using Azure.Storage.Queues;

namespace ElectionFunctions.IntegrationTests;

/// <summary>The local host's agency queues (storage queues named by agency), as the classes that consume them read them.</summary>
internal static class AgencyQueues
{
    public static readonly string[] Agencies = ["dhs", "doj", "odni", "treasury"];

    /// <summary>Every message now on the agency queues, with its agency; each is deleted once read, so the next drain sees only what came after.</summary>
    public static async Task<List<(string Agency, JsonElement Message)>> DrainAsync(QueueServiceClient queues, CancellationToken cancellationToken)
    {
        var drained = new List<(string, JsonElement)>();
        foreach (var agency in Agencies)
        {
            var queue = queues.GetQueueClient(agency);
            while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value is { Length: > 0 } batch)
                foreach (var message in batch)
                {
                    drained.Add((agency, JsonDocument.Parse(message.Body.ToString()).RootElement.Clone()));
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
        }
        return drained;
    }
}
