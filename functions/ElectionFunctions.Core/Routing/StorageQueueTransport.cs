using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Routing;

/// <summary>
/// Local stand-in for the Service Bus queues: Azure Storage queues of the same names (on Azurite). No broker
/// properties: the body carries them. Service Bus drops a message whose MessageId it has seen (duplicate
/// detection, infra/modules/servicebus.bicep); storage queues cannot, so the stand-in keeps a marker blob
/// per sent MessageId (<c>agency-{agency}/sent/{reportId}</c>) and drops a send that finds one. A send
/// whose marker did not land (the process died in between) can still repeat.
/// </summary>
public sealed partial class StorageQueueTransport(QueueServiceClient queues, BlobServiceClient blobs, ILogger<StorageQueueTransport> logger) : IAgencyTransport
{
    /// <summary>A storage queue message is at most 64 KiB.</summary>
    public int MaxBodyBytes => 48 * 1024;

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var marker = blobs.GetBlobContainerClient(AgencyPublisher.ContainerFor(message.Agency)).GetBlobClient($"sent/{message.CorrelationId}");
        if (await marker.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            LogDuplicateDropped(logger, message.CorrelationId, message.MessageId);
            return;
        }
        await queues.GetQueueClient(message.Agency).SendMessageAsync(message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await marker.UploadAsync(BinaryData.FromString(message.MessageId),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another attempt sent it at the same moment; the marker stands either way.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId}: {MessageId} was sent before; dropped as Service Bus duplicate detection would")]
    private static partial void LogDuplicateDropped(ILogger logger, string reportId, string messageId);
}
