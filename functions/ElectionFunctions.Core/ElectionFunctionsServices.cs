using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ElectionFunctions.Classification;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ElectionFunctions;

/// <summary>Everything both hosts (the Functions app and the local host) register: one composition, one behaviour.</summary>
public static class ElectionFunctionsServices
{
    /// <summary>The well-known key of the local Cosmos DB emulators; used only for loopback endpoints.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public const string ServiceBusConnection = "ServiceBusConnection";

    public static IServiceCollection AddElectionFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<IntakeOptions>().Bind(configuration.GetSection(IntakeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ElectionsOptions>().Bind(configuration.GetSection(ElectionsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.AddOptions<ClassificationOptions>().Bind(configuration.GetSection(ClassificationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClassificationOptions>, ClassificationOptionsValidator>();
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<ResilienceOptions>().Bind(configuration.GetSection(ResilienceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        var storage = configuration.GetSection(QueueNames.Connection);
        services.AddSingleton(sp =>
        {
            var options = WithRetries(new BlobClientOptions(), sp);
            return storage.Value is { Length: > 0 } connection
                ? new BlobServiceClient(connection, options)
                : new BlobServiceClient(RequiredUri(storage, "blobServiceUri"), Credential(storage), options);
        });
        services.AddSingleton(sp =>
        {
            var options = WithRetries(new QueueClientOptions(), sp);
            return storage.Value is { Length: > 0 } connection
                ? new QueueServiceClient(connection, options)
                : new QueueServiceClient(RequiredUri(storage, "queueServiceUri"), Credential(storage), options);
        });
        services.AddSingleton(sp => CreateCosmosClient(sp.GetRequiredService<IOptions<CosmosOptions>>().Value,
            sp.GetRequiredService<IOptions<ResilienceOptions>>().Value, configuration.GetSection(CosmosOptions.Section)));

        services.AddSingleton<ReportStore>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<WorkQueues>();
        services.AddSingleton<ProcessingFailures>();
        services.AddSingleton<RetryHandler>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<Http.HealthHandler>();
        services.AddSingleton<StorageInitializer>();

        services.AddOptions<PartnerOptions>().Bind(configuration.GetSection(PartnerOptions.Section))
            .Validate(o => o.Registry.Values.All(p => p.RequestsPerSecond is null or >= 1 && p.Burst is null or >= 1),
                "A partner's RequestsPerSecond and Burst, when set, are at least 1.")
            .ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PartnerRateLimiter>();
        services.AddSingleton<ReportSchema>();
        services.AddSingleton<StixBundleMapper>();
        services.AddSingleton(sp => new SubmissionValidator(
            sp.GetRequiredService<ReportSchema>(),
            sp.GetRequiredService<IOptions<ElectionsOptions>>().Value,
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IntakeHandler>();
        services.AddSingleton<Classifier>();
        services.AddSingleton<ClassifyHandler>();
        services.AddSingleton<RoutingDecider>();
        services.AddSingleton<RouteHandler>();
        services.AddSingleton<PackageStore>();
        services.AddSingleton<PackageCompiler>();
        services.AddSingleton<PackageHandler>();

        var transport = configuration.GetSection(RoutingOptions.Section).GetValue(nameof(RoutingOptions.Transport), AgencyTransport.StorageQueues);
        if (transport == AgencyTransport.ServiceBus)
        {
            var serviceBus = configuration.GetSection(ServiceBusConnection);
            services.AddSingleton(sp =>
            {
                var resilience = sp.GetRequiredService<IOptions<ResilienceOptions>>().Value;
                var options = new ServiceBusClientOptions
                {
                    RetryOptions = new ServiceBusRetryOptions
                    {
                        Mode = ServiceBusRetryMode.Exponential,
                        MaxRetries = resilience.MaxRetries,
                        Delay = resilience.RetryDelay,
                        MaxDelay = resilience.MaxRetryDelay,
                        TryTimeout = resilience.Timeout,
                    },
                };
                return serviceBus.Value is { Length: > 0 } connection
                    ? new ServiceBusClient(connection, options)
                    : new ServiceBusClient(serviceBus["fullyQualifiedNamespace"] ?? throw new InvalidOperationException($"{ServiceBusConnection}__fullyQualifiedNamespace is not set."), Credential(serviceBus), options);
            });
            services.AddSingleton<IAgencyTransport, ServiceBusTransport>();
        }
        else
        {
            services.AddSingleton<IAgencyTransport, StorageQueueTransport>();
        }
        services.AddSingleton<IAgencyPublisher, AgencyPublisher>();

        services.AddPartnerAuthentication(configuration);
        return services;
    }

    /// <summary>Identity-based connection: <c>{name}__credential=managedidentity</c> and <c>{name}__clientId</c> for the user-assigned identity.</summary>
    private static TokenCredential Credential(IConfigurationSection connection) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection["clientId"] });

    private static Uri RequiredUri(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? new Uri(value)
            : throw new InvalidOperationException($"Set {section.Key} (a connection string) or {section.Key}__{key}.");

    /// <summary>Blob and Queue: Azure.Core's retry policy with our numbers; a try that hangs ends at the network timeout.</summary>
    private static T WithRetries<T>(T options, IServiceProvider services) where T : Azure.Core.ClientOptions
    {
        var resilience = services.GetRequiredService<IOptions<ResilienceOptions>>().Value;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = resilience.MaxRetries;
        options.Retry.Delay = resilience.RetryDelay;
        options.Retry.MaxDelay = resilience.MaxRetryDelay;
        options.Retry.NetworkTimeout = resilience.Timeout;
        return options;
    }

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
