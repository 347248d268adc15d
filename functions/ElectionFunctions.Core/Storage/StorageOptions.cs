using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions.Storage;

/// <summary>Cosmos DB (configuration section <c>Cosmos</c>).</summary>
public sealed class CosmosOptions
{
    public const string Section = "Cosmos";

    /// <summary>Account endpoint. A loopback endpoint means the local emulator: its well-known key and self-signed certificate are accepted; anything else uses the managed identity.</summary>
    [Required]
    public Uri? Endpoint { get; set; }

    public string Database { get; set; } = "elections";

    public string ReportsContainer { get; set; } = "reports";

    public string PackagesContainer { get; set; } = "packages";

    public string CorrelationsContainer { get; set; } = "correlations";

    /// <summary>The TAXII collections' objects and push statuses (partition <c>/collection</c>).</summary>
    public string TaxiiContainer { get; set; } = "taxii";

    /// <summary>Create the database, containers, blob containers and queues on start (local only: in Azure the Bicep creates them and the app has data-plane roles only).</summary>
    public bool CreateIfNotExists { get; set; }

    /// <summary>Items per query page when streaming an election's reports.</summary>
    [Range(1, 10_000)]
    public int QueryPageSize { get; set; } = 500;

    public bool IsEmulator => Endpoint is { IsLoopback: true };
}

public static class QueueNames
{
    public const string Intake = "reports-intake";
    public const string Route = "reports-route";
    public const string IntakePoison = Intake + "-poison";
    public const string RoutePoison = Route + "-poison";
    /// <summary>The storage connection the Functions host and the SDK clients share (<c>AzureWebJobsStorage</c>).</summary>
    public const string Connection = "AzureWebJobsStorage";
}

public static class BlobContainers
{
    public const string Submissions = "submissions";
    public const string Packages = "packages";
}
