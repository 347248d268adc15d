using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.Correlation;

public static class CorrelationServices
{
    /// <summary>The keys (aliases, warning list), the index in Cosmos DB and the operators' view.</summary>
    public static IServiceCollection AddCorrelation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CorrelationOptions>().Bind(configuration.GetSection(CorrelationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CorrelationKeys>();
        services.AddSingleton<CorrelationIndex>();
        services.AddSingleton<IncidentsHandler>();
        return services;
    }
}
