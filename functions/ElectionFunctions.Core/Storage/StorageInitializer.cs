using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Storage;

/// <summary>
/// Creates the database, containers, blob containers and queues when <c>Cosmos:CreateIfNotExists</c> is on
/// (local emulators and tests). In Azure the Bicep creates them and the app holds data-plane roles only.
/// </summary>
public sealed class StorageInitializer(CosmosClient cosmos, BlobServiceClient blobs, QueueServiceClient queues, IOptions<CosmosOptions> options)
{
    public static readonly string[] AgencyQueues = ["odni", "dhs", "doj", "treasury"];

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateIfNotExists) return;

        var database = (await cosmos.CreateDatabaseIfNotExistsAsync(options.Value.Database, cancellationToken: cancellationToken).ConfigureAwait(false)).Database;
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.Value.ReportsContainer, "/id"), cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.Value.PackagesContainer, "/electionId"), cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.Value.CorrelationsContainer, "/id"), cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.Value.TaxiiContainer, "/pk") { DefaultTimeToLive = -1 }, cancellationToken: cancellationToken).ConfigureAwait(false);

        foreach (var container in new[] { BlobContainers.Submissions, BlobContainers.Packages }.Concat(AgencyQueues.Select(Routing.AgencyPublisher.ContainerFor)))
            await blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

        foreach (var queue in new[] { QueueNames.Intake, QueueNames.Route, QueueNames.IntakePoison, QueueNames.RoutePoison }.Concat(AgencyQueues))
            await queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
