namespace ElectionFunctions.Routing;

/// <summary>Sends agency messages; a redelivery must carry the same <see cref="AgencyMessage.MessageId"/>.</summary>
public interface IAgencyPublisher
{
    Task PublishAsync(AgencyMessage message, CancellationToken cancellationToken);
}
