using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.Taxii;

public static class TaxiiServices
{
    /// <summary>The TAXII 2.1 server's options, store, routing's writer to the agencies' collections, and the handler.</summary>
    public static IServiceCollection AddTaxii(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TaxiiOptions>().Bind(configuration.GetSection(TaxiiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TaxiiStore>();
        services.AddSingleton<TaxiiFeed>();
        services.AddSingleton<TaxiiHandler>();
        return services;
    }
}
