namespace ElectionFunctions.LocalHost;

/// <summary>host.json <c>extensions.queues</c>: the local pollers follow the same values as the Functions host.</summary>
public sealed class QueueHostOptions
{
    public int BatchSize { get; set; } = 16;
    /// <summary>A new batch is fetched when this many or fewer are still running (the host's default is half the batch).</summary>
    public int NewBatchThreshold { get; set; } = 8;
    public int MaxDequeueCount { get; set; } = 5;
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a received message stays invisible while its handler runs.</summary>
    public TimeSpan ProcessingLease { get; set; } = TimeSpan.FromMinutes(2);

    public static QueueHostOptions FromHostJson(string path)
    {
        var options = new QueueHostOptions();
        if (File.Exists(path))
        {
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddJsonFile(path).Build()
                .GetSection("extensions:queues").Bind(options);
        }
        return options;
    }
}
