using Azure.Storage.Queues;

namespace ElectionFunctions.Routing;

/// <summary>Local stand-in for the Service Bus queues: Azure Storage queues of the same names (on Azurite). No broker properties: the body carries them.</summary>
public sealed class StorageQueueTransport(QueueServiceClient queues) : IAgencyTransport
{
    /// <summary>A storage queue message is at most 64 KiB.</summary>
    public int MaxBodyBytes => 48 * 1024;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        queues.GetQueueClient(message.Agency).SendMessageAsync(message.Body, cancellationToken: cancellationToken);
}
