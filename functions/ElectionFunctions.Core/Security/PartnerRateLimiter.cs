using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using ElectionFunctions.Intake;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Security;

/// <summary>Per-partner request limits (configuration section <c>RateLimit</c>); a partner's registry entry may set its own.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Requests a partner may make per second, sustained (tokens added to its bucket each second).</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Requests a partner may make at once after a quiet spell (the bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 500;
}

/// <summary>
/// A token bucket per partner id, in this instance's memory: each instance of the app limits on its own, so
/// the limit in force across a scaled-out app is the configured one times the instance count (README,
/// "Rate limits", says what to put in front for one global limit).
/// </summary>
public sealed class PartnerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public PartnerRateLimiter(IOptions<RateLimitOptions> options, IOptions<PartnerOptions> partners)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(partner =>
        {
            var entry = partners.Value.Registry.GetValueOrDefault(partner);
            var perSecond = entry?.RequestsPerSecond ?? options.Value.RequestsPerSecond;
            var burst = entry?.Burst ?? options.Value.Burst;
            return RateLimitPartition.GetTokenBucketLimiter(partner, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                AutoReplenishment = true,
                QueueLimit = 0,
            });
        });
    }

    /// <summary>Null when the partner may go ahead; otherwise how long to wait before a token is free.</summary>
    public TimeSpan? TryAcquire(string partnerId)
    {
        using var lease = _limiter.AttemptAcquire(partnerId);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
