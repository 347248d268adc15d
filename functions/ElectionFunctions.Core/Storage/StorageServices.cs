using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Storage;

/// <summary>The stores: Blob and Queue through Microsoft.Extensions.Azure's client factory, Cosmos DB, and what wraps them.</summary>
public static class StorageServices
{
    /// <summary>The well-known key of the local Cosmos DB emulators; used only for loopback endpoints.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public static IServiceCollection AddStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ResilienceOptions>().Bind(configuration.GetSection(ResilienceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        // A connection string (Azurite) or, in Azure, service URIs and the managed identity (AzureWebJobsStorage__*).
        var storage = configuration.GetSection(QueueNames.Connection);
        services.AddAzureClients(clients =>
        {
            // Built when first resolved, so a host that never uses storage needs no storage settings.
            clients.AddClient<BlobServiceClient, BlobClientOptions>(options => storage.Value is { Length: > 0 } connection
                ? new BlobServiceClient(connection, options)
                : new BlobServiceClient(RequiredUri(storage, "blobServiceUri"), Credential(storage), options));
            clients.AddClient<QueueServiceClient, QueueClientOptions>(options => storage.Value is { Length: > 0 } connection
                ? new QueueServiceClient(connection, options)
                : new QueueServiceClient(RequiredUri(storage, "queueServiceUri"), Credential(storage), options));
            // Azure.Core's retry policy with our numbers; a try that hangs ends at the network timeout.
            clients.ConfigureDefaults((options, provider) =>
            {
                var resilience = provider.GetRequiredService<IOptions<ResilienceOptions>>().Value;
                options.Retry.Mode = RetryMode.Exponential;
                options.Retry.MaxRetries = resilience.MaxRetries;
                options.Retry.Delay = resilience.RetryDelay;
                options.Retry.MaxDelay = resilience.MaxRetryDelay;
                options.Retry.NetworkTimeout = resilience.Timeout;
            });
        });
        services.AddSingleton(sp => CreateCosmosClient(sp.GetRequiredService<IOptions<CosmosOptions>>().Value,
            sp.GetRequiredService<IOptions<ResilienceOptions>>().Value, configuration.GetSection(CosmosOptions.Section)));

        services.AddSingleton<ReportStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<WorkQueues>();
        services.AddSingleton<Http.HealthHandler>();
        services.AddSingleton<StorageInitializer>();
        return services;
    }

    /// <summary>Identity-based connection: <c>{name}__credential=managedidentity</c> and <c>{name}__clientId</c> for the user-assigned identity.</summary>
    public static TokenCredential Credential(IConfigurationSection connection) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection["clientId"] });

    private static Uri RequiredUri(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? new Uri(value)
            : throw new InvalidOperationException($"Set {section.Key} (a connection string) or {section.Key}__{key}.");

    private static CosmosClient CreateCosmosClient(CosmosOptions options, ResilienceOptions resilience, IConfigurationSection section)
    {
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "ElectionFunctions",
            // 429s wait as the service says; 503, 410 and lost connections are retried by the SDK's own policy.
            RequestTimeout = resilience.Timeout,
            MaxRetryAttemptsOnRateLimitedRequests = resilience.CosmosMaxThrottleRetries,
            MaxRetryWaitTimeOnRateLimitedRequests = resilience.CosmosMaxThrottleWait,
            // The handlers never read a write's echo; skipping it saves bandwidth on every write.
            EnableContentResponseOnWrite = false,
            // Counts requests and request units by stage (Telemetry): RU per report as billed.
            CustomHandlers = { new CosmosChargeMeter() },
        };
        if (!options.IsEmulator)
            return new CosmosClient(options.Endpoint!.AbsoluteUri, Credential(section), clientOptions);

        // The local emulator: gateway mode on its one endpoint, and its self-signed certificate is
        // accepted because the endpoint is loopback (IsEmulator) and for no other host.
        clientOptions.ConnectionMode = ConnectionMode.Gateway;
        clientOptions.LimitToEndpoint = true;
        clientOptions.HttpClientFactory = () => new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            MaxConnectionsPerServer = 64,
        });
        return new CosmosClient(options.Endpoint!.AbsoluteUri, EmulatorKey, clientOptions);
    }
}
