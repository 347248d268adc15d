using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions;

/// <summary>
/// Retries and timeouts of every outbound call (configuration section <c>Resilience</c>), applied to the SDK
/// clients' own retry policies: the code has no retry loops of its own. A failed call, retries spent, reaches
/// the handler: intake answers 503 with Retry-After, a queue message is tried again by the queue.
/// </summary>
public sealed class ResilienceOptions
{
    public const string Section = "Resilience";

    /// <summary>Retries after the first try (Blob, Queue, Service Bus; exponential back-off).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First back-off; doubles per retry up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>One try of one call (Blob, Queue network timeout; Service Bus try timeout; Cosmos DB request timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Cosmos DB 429: the SDK waits as the service says, at most this many times and this long in all.</summary>
    [Range(0, 100)]
    public int CosmosMaxThrottleRetries { get; set; } = 9;

    public TimeSpan CosmosMaxThrottleWait { get; set; } = TimeSpan.FromSeconds(30);
}
