using System.Text.Json;
using Azure.Storage.Queues;

namespace ElectionFunctions.Routing;

/// <summary>Local stand-in for the Service Bus queues: Azure Storage queues of the same names (on Azurite).</summary>
public sealed class StorageQueueAgencyPublisher(QueueServiceClient queues) : IAgencyPublisher
{
    public async Task PublishAsync(AgencyMessage message, CancellationToken cancellationToken)
    {
        var body = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, ElectionJsonContext.Default.AgencyMessage));
        await queues.GetQueueClient(message.Agency).SendMessageAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
