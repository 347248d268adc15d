using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ElectionFunctions.Routing;

/// <summary>
/// Serialises the agency message once; when it is larger than the queue takes, stores it in the
/// agency's blob container and sends an <see cref="AgencyEnvelope"/> (claim check) instead.
/// </summary>
public sealed class AgencyPublisher(IAgencyTransport transport, BlobServiceClient blobs) : IAgencyPublisher
{
    public static string ContainerFor(string agency) => "agency-" + agency;

    public async Task PublishAsync(AgencyMessage message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, ElectionJsonContext.Default.AgencyMessage);
        if (body.Length > transport.MaxBodyBytes)
        {
            var container = blobs.GetBlobContainerClient(ContainerFor(message.Agency));
            var name = $"{message.ReportId}.json";
            // Same report, same message: a retry overwrites identical bytes.
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken).ConfigureAwait(false);
            var envelope = new AgencyEnvelope(message.SchemaVersion, message.MessageId, message.Agency, message.ReportId, message.ElectionId,
                message.Categories, message.Severity, message.Tlp,
                new ClaimCheck($"{container.Name}/{name}", Convert.ToHexStringLower(SHA256.HashData(body)), body.Length));
            body = JsonSerializer.SerializeToUtf8Bytes(envelope, ElectionJsonContext.Default.AgencyEnvelope);
        }
        await transport.SendAsync(new OutgoingMessage(message.Agency, message.MessageId, message.ReportId, message.Severity, message.Tlp,
            string.Join(",", message.Categories), BinaryData.FromBytes(body)), cancellationToken).ConfigureAwait(false);
        Telemetry.AgencyMessages.Add(1, new KeyValuePair<string, object?>("agency", message.Agency));
    }
}
