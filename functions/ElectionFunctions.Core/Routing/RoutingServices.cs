using Azure.Messaging.ServiceBus;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Routing;

public static class RoutingServices
{
    public const string ServiceBusConnection = "ServiceBusConnection";

    /// <summary>The matrix (validated on start), the decider, the handler, and the agencies' transport: Service Bus in Azure, storage queues locally.</summary>
    public static IServiceCollection AddRouting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.AddSingleton<RoutingDecider>();
        services.AddSingleton<RoutingHandler>();
        services.AddSingleton<IAgencyPublisher, AgencyPublisher>();

        var transport = configuration.GetSection(RoutingOptions.Section).GetValue(nameof(RoutingOptions.Transport), AgencyTransport.StorageQueues);
        if (transport != AgencyTransport.ServiceBus)
        {
            services.AddSingleton<IAgencyTransport, StorageQueueTransport>();
            return services;
        }

        var serviceBus = configuration.GetSection(ServiceBusConnection);
        services.AddAzureClients(clients =>
        {
            var client = clients.AddClient<ServiceBusClient, ServiceBusClientOptions>(options => serviceBus.Value is { Length: > 0 } connection
                ? new ServiceBusClient(connection, options)
                : new ServiceBusClient(serviceBus["fullyQualifiedNamespace"] ?? throw new InvalidOperationException($"{ServiceBusConnection}__fullyQualifiedNamespace is not set."),
                    StorageServices.Credential(serviceBus), options));
            client.ConfigureOptions((options, provider) =>
            {
                var resilience = provider.GetRequiredService<IOptions<ResilienceOptions>>().Value;
                options.RetryOptions = new ServiceBusRetryOptions
                {
                    Mode = ServiceBusRetryMode.Exponential,
                    MaxRetries = resilience.MaxRetries,
                    Delay = resilience.RetryDelay,
                    MaxDelay = resilience.MaxRetryDelay,
                    TryTimeout = resilience.Timeout,
                };
            });
        });
        services.AddSingleton<IAgencyTransport, ServiceBusTransport>();
        return services;
    }
}
