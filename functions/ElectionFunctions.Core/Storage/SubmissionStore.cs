using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ElectionFunctions.Storage;

/// <summary>Raw submissions, write-once (create-only here; an immutability policy in Azure).</summary>
public sealed class SubmissionStore(BlobServiceClient blobs)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(BlobContainers.Submissions);

    public static string PathFor(string reportId, DateTimeOffset receivedAt) =>
        $"{receivedAt.UtcDateTime:yyyy}/{receivedAt.UtcDateTime:MM}/{receivedAt.UtcDateTime:dd}/{reportId}.json";

    /// <summary>
    /// Stores the body unless the blob exists. Returns true when stored now or already held the same
    /// bytes (a retried submission), false when another body holds the name.
    /// </summary>
    public async Task<bool> TryStoreAsync(string path, ReadOnlyMemory<byte> body, string sha256, string contentType, string partnerId, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(path);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(body), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = new Dictionary<string, string> { ["sha256"] = sha256, ["partner"] = partnerId },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.Metadata.TryGetValue("sha256", out var existing) && existing == sha256;
        }
    }
}
