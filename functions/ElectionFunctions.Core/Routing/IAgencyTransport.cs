namespace ElectionFunctions.Routing;

/// <summary>One message on its way to an agency's queue: the body and the broker properties.</summary>
public sealed record OutgoingMessage(string Agency, string MessageId, string CorrelationId, string Severity, string Tlp, string Categories, BinaryData Body);

/// <summary>The queue technology: Service Bus in Azure, storage queues locally.</summary>
public interface IAgencyTransport
{
    /// <summary>The largest body the queue takes, with room left for headers and properties.</summary>
    int MaxBodyBytes { get; }

    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
