using System.ComponentModel.DataAnnotations;
using Azure.Storage.Queues;
using ElectionFunctions.Acknowledgements;
using ElectionFunctions.Operations;
using ElectionFunctions.Reporting;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Watch;

/// <summary>The Election Day Watch (configuration section <c>Watch</c>).</summary>
public sealed class WatchOptions
{
    public const string Section = "Watch";

    /// <summary>When polls open on election day, in UTC (6 a.m. Eastern in November is 11:00 UTC).</summary>
    public TimeSpan PollsOpenUtc { get; set; } = TimeSpan.FromHours(11);

    /// <summary>How long one reading of Cosmos DB serves every screen: the page polls every 5 s, ten screens cost one query.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Most reports one reading takes (newest first).</summary>
    [Range(1, 100_000)]
    public int MaxReports { get; set; } = 5000;
}

/// <summary>
/// The night so far. TLP:RED reports are in the totals (<see cref="RedReports"/> of them) and nowhere else: no row, no state,
/// category or severity, no oldest-unacknowledged entry (a wall screen is seen by the room; the package's rule alike).
/// </summary>
public sealed record WatchData(
    DateTimeOffset Now, string? ElectionId, DateTimeOffset Since, int LastHour, int SincePollsOpened, int RedReports, bool Truncated,
    IReadOnlyDictionary<string, int> ByState, IReadOnlyDictionary<string, int> ByCategory, IReadOnlyDictionary<string, int> BySeverity,
    IReadOnlyList<WatchReport> Reports, WatchHealth Health);

/// <summary>A report on the wall (never a TLP:RED one).</summary>
public sealed record WatchReport(string Id, DateTimeOffset ReceivedAt, string? Title, string Tlp, string? State, string? Severity,
    IReadOnlyList<string> Categories, string Status, IReadOnlyList<WatchAgency> Agencies, string? AmendmentOf);

public sealed record WatchAgency(string Agency, string? Disposition, DateTimeOffset? AcknowledgedAt, bool Overdue);

public sealed record WatchHealth(IReadOnlyDictionary<string, int> QueueDepths, int Stuck, int Failed, int OverdueAcknowledgements,
    IReadOnlyList<OldestUnacknowledged> OldestUnacknowledged);

public sealed record OldestUnacknowledged(string Agency, string ReportId, string? Severity, DateTimeOffset SentAt, int Minutes, bool Overdue);

/// <summary>
/// GET /api/watch/data (Watch.Read or Reports.Admin): the night so far for the Election Day Watch page. One projection query
/// of the reports received since polls opened (no narrative), cached a few seconds for every screen, and the internal queues'
/// depths. Critical reports first, then by time.
/// </summary>
public sealed class WatchHandler(ReportStore reports, QueueServiceClient queues, IOptions<WatchOptions> options, IOptions<ElectionsOptions> elections,
    IOptions<AcknowledgementOptions> acknowledgements, IOptions<ReconciliationOptions> reconciliation, TimeProvider time)
{
    private static readonly string[] SeverityOrder = ["critical", "high", "moderate", "low"];
    private sealed record Reading(DateTimeOffset At, WatchData Data);

    private readonly SemaphoreSlim _gate = new(1, 1);
    // One reference, swapped whole: a reader sees a whole reading or none.
    private Reading? _cached;

    public async Task<Ok<WatchData>> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Volatile.Read(ref _cached) is { } c && now - c.At < options.Value.CacheFor) return TypedResults.Ok(c.Data);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _cached) is { } again && now - again.At < options.Value.CacheFor) return TypedResults.Ok(again.Data);
            var data = await ReadAsync(now, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _cached, new Reading(now, data));
            return TypedResults.Ok(data);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Election day: the latest election on or before today (its polls' opening) while its package is not due, so the night
    /// and the weeks of reports after it stay on the wall; otherwise the last day.
    /// </summary>
    public (string? ElectionId, DateTimeOffset Since) PollsOpened(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var election = elections.Value.Calendar.Where(e => e.Date <= today && today <= e.Date.AddDays(elections.Value.PackageDueDays))
            .OrderByDescending(e => e.Date).FirstOrDefault();
        return election is null ? (null, now.AddDays(-1))
            : (election.Id, new DateTimeOffset(election.Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + options.Value.PollsOpenUtc);
    }

    private async Task<WatchData> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (electionId, since) = PollsOpened(now);
        var all = await reports.QueryReceivedSinceAsync(since, options.Value.MaxReports, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = all.Where(r => r.Tlp != "RED").ToList();
        var ack = acknowledgements.Value;
        var watched = rows.Select(r => new WatchReport(r.Id, r.ReceivedAt, r.Title, r.Tlp, r.State, r.Severity, r.Categories ?? [], r.Status,
            [.. (r.Routing ?? []).Select(a => (r.Acknowledgements ?? []).FirstOrDefault(x => x.Agency == a.Agency) is { } done
                ? new WatchAgency(a.Agency, done.Disposition, done.AcknowledgedAt, false)
                : new WatchAgency(a.Agency, null, null, a.Status == RoutingStatus.Sent && a.At is { } at && now - at >= ack.AlertAfterFor(r.Severity)))],
            r.AmendmentOf)).ToList();
        var overdue = all.Sum(r => OverdueAcknowledgements.Unacknowledged(r.Routing, r.Acknowledgements, now).Count(u => u.Waiting >= ack.AlertAfterFor(r.Severity)));
        var unacknowledged = rows.SelectMany(r => OverdueAcknowledgements.Unacknowledged(r.Routing, r.Acknowledgements, now)
            .Select(u => new OldestUnacknowledged(u.Agency, r.Id, r.Severity, u.SentAt, (int)u.Waiting.TotalMinutes, u.Waiting >= ack.AlertAfterFor(r.Severity)))).ToList();
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var queue in new[] { QueueNames.Intake, QueueNames.Route, QueueNames.IntakePoison, QueueNames.RoutePoison })
            depths[queue] = (await queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        static Dictionary<string, int> Count(IEnumerable<string?> keys) =>
            keys.Where(k => k is not null).GroupBy(k => k!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int Rank(string? severity) => Array.IndexOf(SeverityOrder, severity) is var i and >= 0 ? i : SeverityOrder.Length;
        return new WatchData(now, electionId, since, all.Count(r => now - r.ReceivedAt <= TimeSpan.FromHours(1)), all.Count, all.Count - rows.Count,
            all.Count == options.Value.MaxReports,
            Count(rows.Select(r => r.State)), Count(rows.SelectMany(r => r.Categories ?? [])), Count(rows.Select(r => r.Severity)),
            [.. watched.OrderBy(r => Rank(r.Severity)).ThenByDescending(r => r.ReceivedAt).Take(40)],
            new WatchHealth(depths,
                rows.Count(r => r.Status is ReportStatus.Received or ReportStatus.Classified && now - r.ReceivedAt > reconciliation.Value.StuckAfter),
                rows.Count(r => r.Status == ReportStatus.Failed),
                overdue,
                [.. unacknowledged.GroupBy(u => u.Agency).Select(g => g.OrderBy(u => u.SentAt).First()).OrderBy(u => u.Agency, StringComparer.Ordinal)]));
    }
}
