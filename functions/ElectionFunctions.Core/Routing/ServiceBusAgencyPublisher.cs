using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Messaging.ServiceBus;

namespace ElectionFunctions.Routing;

/// <summary>Azure Service Bus queues odni, dhs, doj, treasury; duplicate detection keys on MessageId.</summary>
public sealed class ServiceBusAgencyPublisher(ServiceBusClient client) : IAgencyPublisher
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    public Task PublishAsync(AgencyMessage message, CancellationToken cancellationToken)
    {
        var sender = _senders.GetOrAdd(message.Agency, client.CreateSender);
        return sender.SendMessageAsync(ToServiceBusMessage(message), cancellationToken);
    }

    public static ServiceBusMessage ToServiceBusMessage(AgencyMessage message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, ElectionJsonContext.Default.AgencyMessage);
        return new ServiceBusMessage(body)
        {
            MessageId = message.MessageId,
            CorrelationId = message.ReportId,
            Subject = AgencyMessage.Subject,
            ContentType = "application/json",
            ApplicationProperties =
            {
                ["severity"] = message.Severity,
                ["tlp"] = message.Tlp,
                ["categories"] = string.Join(",", message.Categories),
            },
        };
    }
}
