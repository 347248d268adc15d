using ElectionFunctions.Acknowledgements;
using ElectionFunctions.Taxii;
using ElectionFunctions.Operations;
using ElectionFunctions.Classification;
using ElectionFunctions.Correlation;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using ElectionFunctions.Routing;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ElectionFunctions;

/// <summary>Everything both hosts (the Functions app and the local host) register: one composition, one behaviour, a call per capability.</summary>
public static class ElectionFunctionsServices
{
    public static IServiceCollection AddElectionFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // The handlers' typed results (Ok<T>, Accepted<T>, Created<T>) write JSON as the rest of the app does:
        // source-generated, nulls left out.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ElectionJsonContext.Default);
        });
        return services
            .AddStores(configuration)
            .AddIntake(configuration)
            .AddClassification(configuration)
            .AddCorrelation(configuration)
            .AddRouting(configuration)
            .AddTaxii(configuration)
            .AddAcknowledgements(configuration)
            .AddReporting(configuration)
            .AddReportOperations(configuration)
            .AddPartnerAuthentication(configuration);
    }
}
