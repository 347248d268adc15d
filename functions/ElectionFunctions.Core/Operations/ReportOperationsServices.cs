using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.Operations;

public static class ReportOperationsServices
{
    /// <summary>What keeps reports moving: failures recorded and poison marked, re-drive, reconciliation.</summary>
    public static IServiceCollection AddReportOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProcessingFailures>();
        services.AddSingleton<RetryHandler>();
        services.AddSingleton<Reconciler>();
        return services;
    }
}
