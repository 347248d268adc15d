using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace ElectionFunctions.Routing;

/// <summary>Azure Service Bus queues odni, dhs, doj, treasury: one sender per queue; duplicate detection keys on MessageId.</summary>
public sealed class ServiceBusTransport(ServiceBusClient client) : IAgencyTransport
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    /// <summary>Standard tier's 256 KB, less room for the headers and application properties.</summary>
    public int MaxBodyBytes => 192 * 1024;

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        _senders.GetOrAdd(message.Agency, client.CreateSender).SendMessageAsync(ToServiceBusMessage(message), cancellationToken);

    public static ServiceBusMessage ToServiceBusMessage(OutgoingMessage message)
    {
        var sent = new ServiceBusMessage(message.Body)
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            Subject = AgencyMessage.Subject,
            ContentType = "application/json",
            ApplicationProperties =
            {
                ["severity"] = message.Severity,
                ["tlp"] = message.Tlp,
                ["categories"] = message.Categories,
            },
        };
        // Diagnostic-Id (W3C traceparent): what Service Bus consumers and Application Insights read to continue the trace.
        if (System.Diagnostics.Activity.Current?.Id is { } traceParent) sent.ApplicationProperties["Diagnostic-Id"] = traceParent;
        return sent;
    }
}
